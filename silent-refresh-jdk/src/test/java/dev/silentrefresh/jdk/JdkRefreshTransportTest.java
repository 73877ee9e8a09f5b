package dev.silentrefresh.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JdkRefreshTransportTest {
  private final HttpClient plain = HttpClient.newHttpClient();

  private static RefreshRequest request(URI uri, Duration timeout) {
    return new RefreshRequest("POST", uri, Map.of("Content-Type", "application/x-www-form-urlencoded"),
        "grant_type=refresh_token&refresh_token=x".getBytes(), 64 * 1024, timeout);
  }

  private static void assertTimesOut(CompletableFuture<?> reply) {
    assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause().satisfies(e -> assertThat(e.getClass().getSimpleName()).contains("Timeout"));
  }

  @Test
  void aRefreshEndpointThatNeverAnswersEndsTheCallWithATimeout() {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      server.faults().failAlways(Endpoint.REFRESH, Faults.Fault.DELAY);
      assertTimesOut(JdkRefreshTransport.of(plain).execute(request(server.refreshUri(), Duration.ofMillis(300))));
    }
  }

  /** The JDK's request timeout ends when the headers arrive; the deadline covers the body too. */
  @Test
  void aReplyWhoseBodyStallsEndsTheCallWithATimeout() throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      RefreshRequest headersThenNothing = new RefreshRequest("GET", server.apiUri("/api/stream?hold=first"),
          Map.of("Authorization", "Bearer " + server.issueTokens(server.username()).accessToken()), new byte[0],
          64 * 1024, Duration.ofMillis(300));
      assertTimesOut(JdkRefreshTransport.of(plain).execute(headersThenNothing));
      assertThat(server.streams().started()).as("no body byte was sent").isZero();
    }
  }

  @Test
  void anotherSessionsHungRefreshDoesNotHoldUpAHealthyOne() throws Exception {
    JdkRefreshTransport shared = JdkRefreshTransport.of(plain);
    try (AuthServer hung = AuthServer.builder(Profile.OAUTH2).start();
        AuthServer healthy = AuthServer.builder(Profile.OAUTH2).start()) {
      hung.faults().failAlways(Endpoint.REFRESH, Faults.Fault.DELAY);
      for (int i = 0; i < 10; i++) {
        TokenSession s = TokenSession.builder(hung.dialect(), shared).refreshTimeout(Duration.ofSeconds(20)).build();
        Tokens t = hung.issueExpiredTokens(hung.username()).toTokensWithoutExpiry();
        s.signIn(t);
        SessionCalls.of(s).refreshAfterRejection(t);
      }
      org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hung.counters().refreshCalls() == 10);
      TokenSession ok = TokenSession.builder(healthy.dialect(), shared).refreshTimeout(Duration.ofSeconds(5)).build();
      Tokens expired = healthy.issueExpiredTokens(healthy.username()).toTokensWithoutExpiry();
      ok.signIn(expired);
      assertThat(SessionCalls.of(ok).refreshAfterRejection(expired).get(10, TimeUnit.SECONDS).accessToken())
          .isNotEqualTo(expired.accessToken());
      assertThat(healthy.counters().refreshSucceeded()).isEqualTo(1);
    }
  }
}
