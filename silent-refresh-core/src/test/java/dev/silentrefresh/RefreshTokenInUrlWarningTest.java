package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.SessionCalls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session whose dialect puts the refresh token in the refresh URL (path or query) says once what that risks,
 * naming no token; one whose dialect sends it in the body or a header says nothing.
 */
class RefreshTokenInUrlWarningTest {
  private RecordedLog log;

  @BeforeEach
  void listen() {
    log = RecordedLog.of(TokenSession.class.getName());
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  private List<String> urlWarnings() {
    return log.messages(Level.WARNING).stream().filter(m -> m.contains("refresh token in the refresh URL"))
        .collect(Collectors.toList());
  }

  @Test
  void aRefreshTokenInTheQueryIsWarnedOncePerSessionAcrossRefreshes() throws Exception {
    Dialect dialect = Dialect.code401(URI.create("https://api.test/token/refresh"));
    AtomicInteger refreshes = new AtomicInteger();
    TokenSession session = TokenSession.builder(dialect, request -> {
      int n = refreshes.incrementAndGet();
      String reply = "{\"data\":{\"accessToken\":\"access-" + n + "-0123456789\",\"refreshToken\":\"refresh-" + n
          + "-0123456789\"}}";
      return CompletableFuture.completedFuture(RefreshReply.of(200,
          Map.of("Content-Type", List.of("application/json")), reply.getBytes(StandardCharsets.UTF_8)));
    }).build();
    session.signIn(Tokens.of("access-0-0123456789", "refresh-0-0123456789"));
    Tokens held = Tokens.of("access-0-0123456789", "refresh-0-0123456789");
    for (int i = 0; i < 2; i++) {
      held = SessionCalls.of(session).refreshAfterRejection(held).get(10, TimeUnit.SECONDS);
    }
    assertThat(refreshes).hasValue(2);

    assertThat(urlWarnings()).hasSize(1);
    String warning = urlWarnings().get(0);
    assertThat(warning).contains("code-401").contains("https://api.test").contains("logs")
        .doesNotContain("refresh-0-").doesNotContain("refresh-1-").doesNotContain("/token/refresh");
  }

  @Test
  void aRefreshTokenInThePathIsWarnedOncePerSession() {
    Dialect dialect = Dialect.code50014(URI.create("https://api.test/refreshJwt/"));
    TokenSession.builder(dialect, request -> new CompletableFuture<>()).build();
    TokenSession.builder(dialect, request -> new CompletableFuture<>()).build();
    assertThat(urlWarnings()).as("one per session").hasSize(2);
  }

  @Test
  void aRefreshTokenInTheBodyOrAHeaderIsNotWarned() {
    for (Dialect dialect : List.of(Dialect.oauth2(URI.create("https://auth.test/token"), "app"),
        Dialect.putBearer(URI.create("https://auth.test/refresh")),
        Dialect.code1002(URI.create("https://auth.test/renew"), "cred"))) {
      TokenSession.builder(dialect, request -> new CompletableFuture<>()).build();
    }
    assertThat(urlWarnings()).isEmpty();
  }
}
