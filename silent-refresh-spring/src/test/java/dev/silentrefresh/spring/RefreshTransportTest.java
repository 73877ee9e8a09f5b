package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Profile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The refresh transports: each call is bounded by the request's timeout, one session's slow endpoint never
 * holds up another's, and the refresh URL (which may carry the refresh token) never reaches an error.
 */
class RefreshTransportTest {
  private static final String REFRESH_TOKEN = "refresh-secret-0123456789";

  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of("simple", RestRefreshTransport.of(RestRefreshInterceptor.requestFactory())),
        Arguments.of("jdk", RestRefreshTransport.of(RestRefreshInterceptor.requestFactory(java.net.http.HttpClient.newHttpClient()))),
        Arguments.of("webclient", WebClientRefreshTransport.of(reactor.netty.http.client.HttpClient.create())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void sixtySessionsWhoseRefreshTakesASecondAllRefreshAtOnceWithoutReuse(String name, RefreshTransport transport)
      throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.CODE_401).latency(Endpoint.REFRESH, Duration.ofSeconds(1)).start()) {
      List<CompletableFuture<Tokens>> refreshed = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        TokenSession session = TokenSession.builder(server.dialect(), transport)
            .refreshTimeout(Duration.ofSeconds(6)).build();
        Tokens tokens = server.issueExpiredTokens(server.username()).toTokensWithoutExpiry();
        session.signIn(tokens);
        refreshed.add(SessionCalls.of(session).refreshAfterRejection(tokens));
      }
      for (CompletableFuture<Tokens> f : refreshed) assertThat(f.get(30, TimeUnit.SECONDS).accessToken()).isNotBlank();
      assertThat(server.counters().refreshSucceeded()).isEqualTo(60);
      assertThat(server.counters().reuseDetected()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void aCallToAHungEndpointEndsWithATimeoutAndHoldsUpNoOtherSession(String name, RefreshTransport transport)
      throws Exception {
    try (Loopback hung = Loopback.hanging();
        AuthServer server = AuthServer.builder(Profile.CODE_401).start()) {
      List<CompletableFuture<RefreshReply>> stuck = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        stuck.add(transport.execute(new RefreshRequest("POST", hung.uri("/token/refresh"),
            Map.of("Content-Type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8), 1024,
            Duration.ofMillis(500))));
      }
      TokenSession other = TokenSession.builder(server.dialect(), transport).refreshTimeout(Duration.ofSeconds(5)).build();
      Tokens tokens = server.issueExpiredTokens(server.username()).toTokensWithoutExpiry();
      other.signIn(tokens);
      assertThat(SessionCalls.of(other).refreshAfterRejection(tokens).get(20, TimeUnit.SECONDS).accessToken()).isNotBlank();
      for (CompletableFuture<RefreshReply> f : stuck) {
        assertThat(f).failsWithin(20, TimeUnit.SECONDS).withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(TimeoutException.class);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transports")
  void aFailedRefreshNeverQuotesTheRefreshTokenFromTheUrl(String name, RefreshTransport transport) throws Exception {
    URI nobodyListens;
    try (ServerSocket socket = new ServerSocket(0)) {
      nobodyListens = URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }
    for (Dialect dialect : new Dialect[] {
        Dialect.code50014(nobodyListens.resolve("/refreshJwt/")), // token in the path
        Dialect.code401(nobodyListens.resolve("/token/refresh"))}) { // token in the query
      TokenSession session = TokenSession.builder(dialect, transport)
          .retry(1, Duration.ZERO, Duration.ZERO).refreshTimeout(Duration.ofSeconds(5)).build();
      Tokens tokens = Tokens.of("access-secret", REFRESH_TOKEN);
      session.signIn(tokens);
      Throwable error = catchThrowable(() -> SessionCalls.of(session).refreshAfterRejection(tokens).get(10, TimeUnit.SECONDS));
      assertThat(error).hasCauseInstanceOf(RefreshFailedException.class);
      StringWriter trace = new StringWriter();
      error.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).as(dialect.name()).doesNotContain(REFRESH_TOKEN).contains("Connect");
    }
  }
}
