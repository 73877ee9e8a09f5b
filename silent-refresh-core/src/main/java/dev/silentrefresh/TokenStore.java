package dev.silentrefresh;

import dev.silentrefresh.internal.FileTokenStore;
import dev.silentrefresh.internal.InMemoryTokenStore;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where a session lives. Every write is a compare-and-set on the version read before it, so two
 * refreshes racing (threads, or processes sharing the store) can never overwrite each other's tokens.
 */
public interface TokenStore {

  /** The current tokens and their version. */
  StoredTokens read() throws IOException;

  /**
   * Writes {@code next} if the store is still at {@code expectedVersion}.
   *
   * @return the new state when written, or null when the version had moved (nothing written)
   */
  @Nullable StoredTokens replace(long expectedVersion, Tokens next) throws IOException;

  /**
   * Removes the session if the store is still at {@code expectedVersion}.
   *
   * @return the new (empty) state when cleared, or null when the version had moved
   */
  @Nullable StoredTokens clear(long expectedVersion) throws IOException;

  /**
   * Writes {@code next} (null: no session) whatever the store holds, even when what it holds cannot be
   * read (a corrupt file): a sign-in or sign-out always wins. The default compares and sets in a loop;
   * stores that can read a corrupt state override it.
   *
   * @return the new state
   */
  default StoredTokens overwrite(@Nullable Tokens next) throws IOException {
    for (;;) {
      StoredTokens cur = read();
      StoredTokens written = next == null ? clear(cur.version()) : replace(cur.version(), next);
      if (written != null) return written;
    }
  }

  /** A store in this process's memory. */
  static TokenStore inMemory() {
    return new InMemoryTokenStore();
  }

  /**
   * A store in a JSON file, readable by its owner only where the file system supports it. Writes
   * replace the file atomically under a file lock, and it brings a {@link dev.silentrefresh.spi.RefreshLock}
   * (an OS file lock held across each refresh), so several sessions and processes may share it and
   * still refresh once per expiry.
   */
  static TokenStore file(Path path) {
    return new FileTokenStore(path);
  }

  /**
   * A store in a file like {@link #file(Path)}, with the tokens encrypted at rest (AES-GCM under {@code key}; the
   * same key in every process sharing the file). A file that cannot be decrypted with it (a wrong key, a changed or
   * cut-short file, a file written without a key) is an {@link IOException} naming the file, never an empty session;
   * a sign-in replaces it.
   *
   * @throws IllegalArgumentException {@code key} is not an AES key of 128, 192 or 256 bits
   */
  static TokenStore file(Path path, javax.crypto.SecretKey key) {
    return new FileTokenStore(path, dev.silentrefresh.spi.TokenCipher.of(key));
  }

  /**
   * A store in a file encrypted with the AES key under {@code alias} in {@code keyStore}; see
   * {@link #file(Path, javax.crypto.SecretKey)}.
   *
   * @throws IllegalArgumentException no such entry, not an AES secret key, or a wrong password (never shown)
   */
  static TokenStore file(Path path, java.security.KeyStore keyStore, String alias, char[] password) {
    return new FileTokenStore(path, dev.silentrefresh.spi.TokenCipher.fromKeyStore(keyStore, alias, password));
  }
}
