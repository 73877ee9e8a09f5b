package dev.silentrefresh.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * An access/refresh token pair handed out by {@link AuthServer#issueTokens(String)} or
 * {@link AuthServer#issueExpiredTokens(String)}. {@link #toString()} never shows the token values.
 */
public final class IssuedTokens {
  private final String accessToken;
  private final String refreshToken;
  private final Duration expiresIn;
  private final Duration refreshExpiresIn;

  IssuedTokens(String accessToken, String refreshToken, Duration expiresIn, Duration refreshExpiresIn) {
    this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
    this.refreshToken = Objects.requireNonNull(refreshToken, "refreshToken");
    this.expiresIn = Objects.requireNonNull(expiresIn, "expiresIn");
    this.refreshExpiresIn = Objects.requireNonNull(refreshExpiresIn, "refreshExpiresIn");
  }

  /** The signed JWT access token. */
  public String accessToken() {
    return accessToken;
  }

  /** The opaque refresh token. */
  public String refreshToken() {
    return refreshToken;
  }

  /** How long the access token is valid from issue ({@link Duration#ZERO} for an already expired one). */
  public Duration expiresIn() {
    return expiresIn;
  }

  /** How long the refresh token is valid from issue. */
  public Duration refreshExpiresIn() {
    return refreshExpiresIn;
  }

  /** As a client holds them after a login at {@code issuedAt}: expiries known (from {@code expires_in}). */
  public dev.silentrefresh.Tokens toTokens(java.time.Instant issuedAt) {
    return dev.silentrefresh.Tokens.builder()
        .accessToken(accessToken)
        .refreshToken(refreshToken)
        .expiresAt(issuedAt.plus(expiresIn))
        .refreshExpiresAt(issuedAt.plus(refreshExpiresIn))
        .build();
  }

  /** As a client that does not know the expiry holds them: it learns of expiry only from a rejection. */
  public dev.silentrefresh.Tokens toTokensWithoutExpiry() {
    return dev.silentrefresh.Tokens.of(accessToken, refreshToken);
  }

  @Override
  public String toString() {
    return "IssuedTokens[accessToken=<redacted>, refreshToken=<redacted>, expiresIn=" + expiresIn
        + ", refreshExpiresIn=" + refreshExpiresIn + "]";
  }
}
