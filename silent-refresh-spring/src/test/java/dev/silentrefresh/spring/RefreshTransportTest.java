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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.reactive.function.client.WebClient;

/** The refresh transports never quote the refresh URL, which may carry the refresh token, in their errors. */
class RefreshTransportTest {
  private static final String REFRESH_TOKEN = "refresh-secret-0123456789";

  static Stream<Arguments> transports() {
    return Stream.of(
        Arguments.of("simple", RestRefreshTransport.of(new SimpleClientHttpRequestFactory())),
        Arguments.of("jdk", RestRefreshTransport.of(new JdkClientHttpRequestFactory())),
        Arguments.of("webclient", WebClientRefreshTransport.of(WebClient.create())));
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
