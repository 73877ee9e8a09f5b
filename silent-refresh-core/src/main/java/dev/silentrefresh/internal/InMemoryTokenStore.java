package dev.silentrefresh.internal;

import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import java.util.concurrent.atomic.AtomicReference;

/** A {@link TokenStore} in memory; compare-and-set on an atomic reference. */
public final class InMemoryTokenStore implements TokenStore {
  private final AtomicReference<StoredTokens> state = new AtomicReference<>(StoredTokens.empty());

  @Override
  public StoredTokens read() {
    return state.get();
  }

  @Override
  public StoredTokens replace(long expectedVersion, Tokens next) {
    if (next == null) throw new IllegalArgumentException("tokens are null; use clear()");
    return swap(expectedVersion, next);
  }

  @Override
  public StoredTokens clear(long expectedVersion) {
    return swap(expectedVersion, null);
  }

  private StoredTokens swap(long expectedVersion, Tokens next) {
    StoredTokens cur = state.get();
    if (cur.version() != expectedVersion) return null;
    StoredTokens written = new StoredTokens(next, cur.version() + 1);
    return state.compareAndSet(cur, written) ? written : null;
  }

  @Override
  public String toString() {
    return "InMemoryTokenStore{" + state.get() + '}';
  }
}
