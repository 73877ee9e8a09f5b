package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The public API around the server: builder, lifecycle, programmatic tokens, counters. */
class AuthServerTest extends ServerTestBase {

  @Test
  void profileIdsRoundTrip() {
    for (Profile p : Profile.values()) {
      assertThat(Profile.fromId(p.id())).isSameAs(p);
    }
    assertThat(Profile.CODE_50014.id()).isEqualTo("code-50014");
    assertThatThrownBy(() -> Profile.fromId("soap"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("soap")
        .hasMessageContaining("oauth2, put-bearer, code-1002, code-50014, code-401");
  }

  @Test
  void defaults() {
    AuthServer s = AuthServer.builder(Profile.OAUTH2).start();
    try {
      assertThat(s.profile()).isEqualTo(Profile.OAUTH2);
      assertThat(s.username()).isEqualTo("demo");
      assertThat(s.password()).isEqualTo("demo-password");
      assertThat(s.clientId()).isEqualTo("demo-client");
      assertThat(s.clientCredential()).isEqualTo("demo-app-credential");
      IssuedTokens t = s.issueTokens("demo");
      assertThat(t.expiresIn()).isBetween(Duration.ofMinutes(5).minusSeconds(1), Duration.ofMinutes(5));
      assertThat(t.refreshExpiresIn()).isEqualTo(Duration.ofHours(1));
      assertThat(Wire.json(Wire.login(s)).path("expires_in").asLong()).isBetween(299L, 300L);
      Wire.assertMe(Profile.OAUTH2, Wire.me(s, t.accessToken()));
    } finally {
      s.close();
    }
  }

  @Test
  void issuedTokensNeverShowTheirValues() {
    AuthServer s = start(Profile.CODE_401);
    IssuedTokens t = s.issueTokens("demo");
    assertThat(t.toString()).doesNotContain(t.accessToken()).doesNotContain(t.refreshToken()).contains("PT5M");
    assertThat(s.counters().loginCalls()).isZero();
  }

  @Test
  void closeFreesThePortAndIsIdempotent() throws Exception {
    AuthServer s = AuthServer.builder(Profile.CODE_1002).start();
    int port = s.baseUri().getPort();
    assertThat(Wire.me(s, null).statusCode()).isEqualTo(200);
    s.close();
    s.close();
    assertThatThrownBy(() -> Wire.HTTP.send(HttpRequest.newBuilder(s.apiUri("/api/me")).build(),
        BodyHandlers.discarding())).isInstanceOf(ConnectException.class);

    AuthServer again = AuthServer.builder(Profile.CODE_1002).port(port).start(); // the port is free again
    again.close();
  }

  @Test
  void startFailsClearlyWhenThePortIsTaken() {
    AuthServer s = start(Profile.OAUTH2);
    int port = s.baseUri().getPort();
    assertThatThrownBy(() -> AuthServer.builder(Profile.OAUTH2).port(port).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void builderRejectsNonsense() {
    AuthServer.Builder b = AuthServer.builder(Profile.OAUTH2);
    assertThatThrownBy(() -> b.port(70000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.accessTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.refreshTtl(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.grace(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.latency(Endpoint.API, Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.user("", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AuthServer.builder(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void resetZeroesCountersAndClearsFaultsButKeepsTokens() throws IOException {
    AuthServer s = start(Profile.CODE_50014);
    Wire.Tokens tokens = Wire.loginTokens(s);
    Wire.me(s, tokens.access());
    s.faults().failAlways(Endpoint.API, Faults.Fault.SERVER_ERROR);
    s.reset();

    assertThat(s.counters().snapshot().values()).containsOnly(0L);
    Wire.assertMe(Profile.CODE_50014, Wire.me(s, tokens.access()));
    Wire.refreshTokens(s, tokens.refresh());
  }

  @Test
  void snapshotNamesEveryCounter() {
    AuthServer s = start(Profile.OAUTH2);
    Map<String, Long> snap = s.counters().snapshot();
    assertThat(snap.keySet()).containsExactly("loginCalls", "loginFailures", "loginsThrottled", "refreshCalls", "refreshSucceeded", "refreshRejected",
        "peakConcurrentRefreshes", "reuseDetected", "familiesRevoked", "apiRequests", "apiSucceeded",
        "rejectedRequests", "faultsInjected", "refreshRepliesDropped", "refreshRequestsDropped");
  }

  @Test
  void putBearerNeverRotatesWhateverTheKnobSays() {
    AuthServer s = start(Profile.PUT_BEARER, b -> b.rotation(true));
    IssuedTokens t = s.issueTokens("demo");
    Wire.refreshTokens(s, t.refreshToken());
    Wire.refreshTokens(s, t.refreshToken());
    assertThat(s.counters().reuseDetected()).isZero();
    assertThat(s.counters().refreshSucceeded()).isEqualTo(2);
  }

  @Test
  void startsQuickly() {
    long t0 = System.nanoTime();
    start(Profile.CODE_401);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(1));
  }
}
