package dev.silentrefresh;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link TokenStore} holds: the session's tokens (null when signed out) and the version of that
 * write. Versions only grow; they are the fencing token of every compare-and-set write.
 */
public final class StoredTokens {
  private final @Nullable Tokens tokens;
  private final long version;

  public StoredTokens(@Nullable Tokens tokens, long version) {
    this.tokens = tokens;
    this.version = version;
  }

  /** An empty store that has never been written. */
  public static StoredTokens empty() {
    return new StoredTokens(null, 0);
  }

  /** The tokens, or null when there is no session. */
  public @Nullable Tokens tokens() {
    return tokens;
  }

  public long version() {
    return version;
  }

  public boolean isPresent() {
    return tokens != null;
  }

  @Override
  public String toString() {
    return "StoredTokens{version=" + version + ", " + (tokens == null ? "no session" : tokens) + '}';
  }
}
