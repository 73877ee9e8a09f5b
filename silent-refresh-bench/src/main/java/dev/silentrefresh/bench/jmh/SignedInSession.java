package dev.silentrefresh.bench.jmh;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A session of the benchmarks: oauth2 against an origin nothing listens on, signed in with tokens valid for a day,
 * so every send takes the held token and no refresh ever runs (the transport would fail one).
 */
final class SignedInSession {
  static final URI ORIGIN = URI.create("http://127.0.0.1:9");
  static final URI API = URI.create("http://127.0.0.1:9/api/me");
  /** A JWT-sized access token (the testkit's are about this long). */
  static final String ACCESS_TOKEN = "eyJhbGciOiJIUzI1NiJ9." + "x".repeat(180) + ".signature-signature-signature";

  private SignedInSession() {}

  static TokenSession create() {
    TokenSession session = TokenSession.builder(Dialect.oauth2(ORIGIN.resolve("/oauth/token"), "bench"),
            request -> CompletableFuture.<RefreshReply>failedFuture(new IOException("no refresh in a benchmark")))
        .build();
    try {
      session.signIn(Tokens.builder().accessToken(ACCESS_TOKEN).refreshToken("refresh-token")
          .expiresAt(Instant.now().plus(Duration.ofDays(1))).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return session;
  }
}
