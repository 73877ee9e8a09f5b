package dev.silentrefresh;

import dev.silentrefresh.internal.FileTokenStore;
import dev.silentrefresh.internal.InMemoryTokenStore;
import dev.silentrefresh.spi.TokenCipher;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.crypto.SecretKey;
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
   * A store in a JSON file, owner-only (0600) where the file system has POSIX permissions (a file found readable
   * by others is made owner-only before it is read, with one WARNING; elsewhere keep it in a directory only you
   * can read). Writes replace the file atomically (temporary file, fsync, rename, fsync of the directory) under a
   * file lock, and it brings a {@link dev.silentrefresh.spi.RefreshLock} (an OS file lock held across each
   * refresh), so several sessions and processes may share it and still refresh once per expiry. A file that
   * cannot be read is an error naming it (never an empty session); a sign-in or sign-out replaces it.
   */
  static TokenStore file(Path path) {
    return new FileTokenStore(path);
  }

  /**
   * As {@link #file(Path)}, encrypted at rest with AES-GCM under {@code key} (AES, 128, 192 or 256 bits; from bytes:
   * {@code new SecretKeySpec(bytes, "AES")}). Each write has a fresh random nonce; the header is authenticated, so a
   * wrong key, a changed byte, a truncated file, and a plain file where an encrypted one is expected are each
   * their own error.
   *
   * @throws IllegalArgumentException the key is not such a key
   */
  static TokenStore file(Path path, SecretKey key) {
    return new FileTokenStore(path, TokenCipher.of(key));
  }

  /**
   * As {@link #file(Path, SecretKey)} with the secret key entry {@code alias} of a loaded {@code keyStore} (a PKCS12
   * file, the Android Keystore; {@code password} null where the store wants none).
   *
   * @throws IllegalArgumentException no such entry, not an AES secret key, or a wrong password
   */
  static TokenStore file(Path path, KeyStore keyStore, String alias, char @Nullable [] password) {
    return new FileTokenStore(path, TokenCipher.fromKeyStore(keyStore, alias, password));
  }
}
