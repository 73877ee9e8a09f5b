package dev.silentrefresh.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.leakcheck.LeakDetector;
import dev.silentrefresh.leakcheck.LogCapture;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The run's leak check hears Spring's and Reactor Netty's DEBUG and TRACE logging (through SLF4J and
 * commons-logging) of a refresh by RestClient and by WebClient, and none of it shows a token (the refresh URL of a
 * dialect that demands the token there excepted).
 */
class RefreshCallLogCaptureTest {
  private static final ConnectionProvider CONNECTIONS = ConnectionProvider.builder("log-capture-test").build();
  private static final reactor.netty.http.client.HttpClient NETTY = reactor.netty.http.client.HttpClient.create(CONNECTIONS);

  @AfterAll
  static void disposeConnections() {
    CONNECTIONS.dispose();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void springsAndReactorNettysLoggingOfARefreshIsCapturedAndShowsNoToken(Profile profile) throws Exception {
    LeakDetector.Snapshot before = LogCapture.detector().snapshot();
    try (AuthServer server = AuthServer.builder(profile).start()) {
      ClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());
      TokenSession rest = TokenSession.builder(server.dialect(), RestRefreshTransport.of(factory)).build();
      rest.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      String viaRest = RestRefreshInterceptor.install(RestClient.builder(), factory, rest).build()
          .get().uri(server.apiUri("/api/me")).retrieve().body(String.class);
      assertThat(viaRest).contains(server.username());

      TokenSession web = TokenSession.builder(server.dialect(), WebClientRefreshTransport.of(NETTY)).build();
      web.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      String viaWeb = WebClientRefreshFilter.install(WebClient.builder(), NETTY, web).build()
          .get().uri(server.apiUri("/api/me")).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20));
      assertThat(viaWeb).contains(server.username());
      assertThat(server.counters().refreshSucceeded()).isEqualTo(2);
    }
    assertThat(before.newRecords("org.springframework.web")).as("Spring's DEBUG log").isPositive();
    assertThat(before.newRecords("reactor.netty")).as("Reactor Netty's DEBUG log").isPositive();
    assertThat(before.newLeaks()).as("lines showing a token").isZero();
  }
}
