package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.leakcheck.IssuedSecrets;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.TokenCipher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every public type that holds or carries a token, and every exception a session throws after a refresh, shows no
 * token in {@code toString()}, its message or its printed stack trace — also when the backend echoes the tokens in
 * an error body, and with a dialect that puts the refresh token in the URL.
 */
class NoTokenInToStringOrMessagesTest {
  private static final String ACCESS = "access-secret-4242424242";
  private static final String REFRESH = "refresh-secret-4242424242";
  private static final String NEW_ACCESS = "access-next-4242424242";
  private static final String NEW_REFRESH = "refresh-next-4242424242";
  private static final List<String> SECRETS = List.of(ACCESS, REFRESH, NEW_ACCESS, NEW_REFRESH);
  private static final Tokens TOKENS = Tokens.builder().accessToken(ACCESS).refreshToken(REFRESH)
      .expiresAt(Instant.parse("2026-01-01T00:00:00Z")).build();

  static {
    SECRETS.forEach(IssuedSecrets::record); // and the run's leak check looks for them in every log line
  }

  @TempDir Path dir;

  private static void assertShowsNoToken(Object shown) {
    String text = String.valueOf(shown);
    if (shown instanceof Throwable) {
      StringWriter trace = new StringWriter();
      ((Throwable) shown).printStackTrace(new PrintWriter(trace));
      text += trace;
    }
    for (String secret : SECRETS) assertThat(text).as("shows no token").doesNotContain(secret);
  }

  private static RefreshReply reply(int status, String json) {
    return RefreshReply.of(status, Map.of("Content-Type", List.of("application/json")), json.getBytes(StandardCharsets.UTF_8));
  }

  private static TokenSession session(Dialect dialect, List<Object> seen, Function<RefreshRequest, RefreshReply> backend) {
    return TokenSession.builder(dialect, request -> {
      seen.add(request);
      RefreshReply r = backend.apply(request);
      seen.add(r);
      return CompletableFuture.completedFuture(r);
    }).retry(1, Duration.ZERO, Duration.ZERO).build();
  }

  @Test
  void valueTypesStoresAndTheCipherShowNoToken() throws Exception {
    assertShowsNoToken(TOKENS);
    assertShowsNoToken(new StoredTokens(TOKENS, 7));
    TokenStore memory = TokenStore.inMemory();
    memory.replace(0, TOKENS);
    assertShowsNoToken(memory);
    TokenStore file = TokenStore.file(dir.resolve("a.json"));
    file.replace(0, TOKENS);
    assertShowsNoToken(file);
    SecretKeySpec key = new SecretKeySpec(new byte[16], "AES");
    assertShowsNoToken(TokenStore.file(dir.resolve("b.bin"), key));
    assertShowsNoToken(TokenCipher.of(key));
  }

  @Test
  void aSessionItsRefreshRequestAndReplyAndTheRegistryShowNoToken() throws Exception {
    List<Object> seen = new ArrayList<>();
    Dialect inTheQuery = Dialect.code401(URI.create("https://api.test/token/refresh"));
    TokenSession session = session(inTheQuery, seen, request -> reply(200,
        "{\"data\":{\"accessToken\":\"" + NEW_ACCESS + "\",\"refreshToken\":\"" + NEW_REFRESH + "\"}}"));
    session.signIn(TOKENS);
    Tokens fresh = SessionCalls.of(session).refreshAfterRejection(TOKENS).get(10, TimeUnit.SECONDS);
    assertThat(fresh.accessToken()).isEqualTo(NEW_ACCESS);
    assertThat(seen).hasSize(2);
    seen.forEach(NoTokenInToStringOrMessagesTest::assertShowsNoToken);
    assertShowsNoToken(session);
    assertShowsNoToken(SessionCalls.of(session));
    TokenSessions sessions = TokenSessions.builder(user -> session).build();
    sessions.get("alice");
    assertShowsNoToken(sessions);
  }

  @Test
  void aDeadRefreshTokensExceptionShowsNoTokenThoughTheBackendEchoedIt() throws Exception {
    TokenSession session = session(Dialect.code401(URI.create("https://api.test/token/refresh")), new ArrayList<>(),
        request -> reply(400, "{\"code\":402,\"msg\":\"refresh token " + REFRESH + " is dead\"}"));
    session.signIn(TOKENS);
    Throwable error = catchThrowable(() -> SessionCalls.of(session).refreshAfterRejection(TOKENS).get(10, TimeUnit.SECONDS));
    assertThat(error).hasCauseInstanceOf(LoginRequiredException.class);
    assertShowsNoToken(error);
  }

  @Test
  void aFailedRefreshsExceptionShowsNoTokenThoughTheBackendEchoedThem() throws Exception {
    TokenSession session = session(Dialect.code50014(URI.create("https://api.test/refreshJwt/")), new ArrayList<>(),
        request -> reply(500, "{\"error\":\"cannot refresh " + REFRESH + " for " + ACCESS + "\"}"));
    session.signIn(TOKENS);
    Throwable error = catchThrowable(() -> SessionCalls.of(session).refreshAfterRejection(TOKENS).get(10, TimeUnit.SECONDS));
    assertThat(error).hasCauseInstanceOf(RefreshFailedException.class);
    assertShowsNoToken(error);
  }
}
