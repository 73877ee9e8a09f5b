package dev.silentrefresh.conformance;

import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import java.io.IOException;

/** A store that passes everything to another; scenarios override one method to stage a fault. */
public class DelegatingTokenStore implements TokenStore {
  protected final TokenStore inner;

  public DelegatingTokenStore(TokenStore inner) {
    if (inner == null) throw new IllegalArgumentException("inner is null");
    this.inner = inner;
  }

  @Override
  public StoredTokens read() throws IOException {
    return inner.read();
  }

  @Override
  public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
    return inner.replace(expectedVersion, next);
  }

  @Override
  public StoredTokens clear(long expectedVersion) throws IOException {
    return inner.clear(expectedVersion);
  }
}
