package dev.silentrefresh.conformance;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.IssuedTokens;
import java.time.Clock;

/** The core dialect preset that matches each testkit profile. */
public final class ServerDialects {
  private ServerDialects() {}

  public static Dialect of(AuthServer server) {
    switch (server.profile()) {
      case OAUTH2: return Dialect.oauth2(server.refreshUri(), server.clientId());
      case PUT_BEARER: return Dialect.putBearer(server.refreshUri());
      case CODE_1002: return Dialect.code1002(server.refreshUri(), server.clientCredential());
      case CODE_50014: return Dialect.code50014(server.refreshUri());
      case CODE_401: return Dialect.code401(server.refreshUri());
      default: throw new IllegalArgumentException("no dialect for " + server.profile());
    }
  }

  /** Tokens as a client would hold them after a login: expiry known from {@code expires_in}. */
  public static Tokens withExpiry(IssuedTokens issued, Clock clock) {
    return Tokens.builder()
        .accessToken(issued.accessToken())
        .refreshToken(issued.refreshToken())
        .expiresAt(clock.instant().plus(issued.expiresIn()))
        .refreshExpiresAt(clock.instant().plus(issued.refreshExpiresIn()))
        .build();
  }

  /** Tokens with no known expiry: the client learns of expiry only from a rejection. */
  public static Tokens withoutExpiry(IssuedTokens issued) {
    return Tokens.of(issued.accessToken(), issued.refreshToken());
  }
}
