package dev.silentrefresh;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One signed-in session's credentials: the access token sent with requests, the refresh token used to
 * renew it, and their expiry when known. Immutable. {@link #toString()} never shows a token.
 */
public final class Tokens {
  private final String accessToken;
  private final @Nullable String refreshToken;
  private final @Nullable Instant expiresAt;
  private final @Nullable Instant refreshExpiresAt;

  private Tokens(Builder b) {
    this.accessToken = requireToken(b.accessToken, "access token");
    this.refreshToken = b.refreshToken == null ? null : requireToken(b.refreshToken, "refresh token");
    this.expiresAt = b.expiresAt;
    this.refreshExpiresAt = b.refreshExpiresAt;
  }

  /** Tokens with no known expiry. {@code refreshToken} may be null when the backend issues none. */
  public static Tokens of(String accessToken, @Nullable String refreshToken) {
    return builder().accessToken(accessToken).refreshToken(refreshToken).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder()
        .accessToken(accessToken)
        .refreshToken(refreshToken)
        .expiresAt(expiresAt)
        .refreshExpiresAt(refreshExpiresAt);
  }

  public String accessToken() {
    return accessToken;
  }

  /** The refresh token, or null when the session has none (it then ends when the access token does). */
  public @Nullable String refreshToken() {
    return refreshToken;
  }

  /** When the access token expires, or null when unknown. */
  public @Nullable Instant expiresAt() {
    return expiresAt;
  }

  /** When the refresh token expires, or null when unknown. */
  public @Nullable Instant refreshExpiresAt() {
    return refreshExpiresAt;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) return true;
    if (!(o instanceof Tokens)) return false;
    Tokens t = (Tokens) o;
    return accessToken.equals(t.accessToken)
        && Objects.equals(refreshToken, t.refreshToken)
        && Objects.equals(expiresAt, t.expiresAt)
        && Objects.equals(refreshExpiresAt, t.refreshExpiresAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accessToken, refreshToken, expiresAt, refreshExpiresAt);
  }

  /** Shows expiries and which tokens are present, never their values. */
  @Override
  public String toString() {
    return "Tokens{accessToken=<redacted>, refreshToken="
        + (refreshToken == null ? "none" : "<redacted>")
        + ", expiresAt=" + expiresAt
        + ", refreshExpiresAt=" + refreshExpiresAt + '}';
  }

  private static String requireToken(@Nullable String token, String what) {
    if (token == null) throw new IllegalArgumentException(what + " is missing");
    if (token.isEmpty()) throw new IllegalArgumentException(what + " is empty");
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            what + " contains a character not allowed in an HTTP header (at index " + i + ")");
      }
    }
    return token;
  }

  /** Builds {@link Tokens}; only the access token is required. */
  public static final class Builder {
    private @Nullable String accessToken;
    private @Nullable String refreshToken;
    private @Nullable Instant expiresAt;
    private @Nullable Instant refreshExpiresAt;

    private Builder() {}

    public Builder accessToken(String accessToken) {
      this.accessToken = accessToken;
      return this;
    }

    public Builder refreshToken(@Nullable String refreshToken) {
      this.refreshToken = refreshToken;
      return this;
    }

    public Builder expiresAt(@Nullable Instant expiresAt) {
      this.expiresAt = expiresAt;
      return this;
    }

    public Builder refreshExpiresAt(@Nullable Instant refreshExpiresAt) {
      this.refreshExpiresAt = refreshExpiresAt;
      return this;
    }

    /** @throws IllegalArgumentException when a token is missing, empty or not a valid header value */
    public Tokens build() {
      return new Tokens(this);
    }
  }
}
