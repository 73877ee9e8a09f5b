package dev.silentrefresh.spi;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-GCM sealing of a stored session, for stores that encrypt tokens at rest: a fresh random 96-bit nonce per seal,
 * a 128-bit tag, and associated data that binds the sealed bytes to where they are kept (a file's format, a Redis key),
 * so that a wrong key, a changed byte or a value moved elsewhere are all refused. Sealed form: nonce, then ciphertext
 * with tag. Immutable and thread-safe; {@link #toString()} names the key size only.
 */
public final class TokenCipher {
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  private TokenCipher(SecretKey key) {
    this.key = key;
  }

  /**
   * A cipher with {@code key}: an AES key of 128, 192 or 256 bits, or a key that a key store keeps to itself (its
   * {@code getEncoded()} is null, as with the Android Keystore's hardware-backed keys).
   *
   * @throws IllegalArgumentException not an AES key, or one of another size (the message shows no part of it)
   */
  public static TokenCipher of(SecretKey key) {
    if (key == null || !"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new IllegalArgumentException("the encryption key must be an AES key");
    }
    byte[] encoded = key.getEncoded();
    int bits = encoded == null ? 0 : encoded.length * 8;
    if (encoded != null && bits != 128 && bits != 192 && bits != 256) {
      throw new IllegalArgumentException("the encryption key must have 128, 192 or 256 bits, not " + bits);
    }
    return new TokenCipher(key);
  }

  /**
   * A cipher with the AES key stored under {@code alias} in {@code keyStore} (e.g. a PKCS12 file with a secret key
   * entry, or the Android Keystore's exportable keys).
   *
   * @throws IllegalArgumentException there is no such entry, it is not an AES secret key, the password is wrong, or
   *     the key store cannot give it; the message names the alias, never the password
   */
  public static TokenCipher fromKeyStore(KeyStore keyStore, String alias, char[] password) {
    if (keyStore == null || alias == null) throw new IllegalArgumentException("keyStore and alias are required");
    Key key;
    try {
      if (!keyStore.containsAlias(alias)) {
        throw new IllegalArgumentException("the key store has no entry '" + alias + "'");
      }
      key = keyStore.getKey(alias, password);
    } catch (java.security.UnrecoverableKeyException e) {
      throw new IllegalArgumentException("cannot read key '" + alias + "' from the key store: wrong password");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read key '" + alias + "' from the key store: " + e.getClass().getSimpleName());
    }
    if (!(key instanceof SecretKey)) {
      throw new IllegalArgumentException("key store entry '" + alias + "' is not a secret key"
          + (key == null ? "" : " (it is " + key.getAlgorithm() + ")"));
    }
    return of((SecretKey) key);
  }

  /** {@code plain} sealed, bound to {@code boundTo}. */
  public byte[] seal(byte[] plain, byte[] boundTo) throws GeneralSecurityException {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(boundTo);
    byte[] sealed = cipher.doFinal(plain);
    return ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
  }

  /**
   * The plain bytes of {@code sealed}, which must have been sealed with this key and bound to {@code boundTo}.
   *
   * @throws AEADBadTagException a wrong key, a changed or truncated value, or one bound elsewhere
   */
  public byte[] open(byte[] sealed, byte[] boundTo) throws GeneralSecurityException {
    if (sealed.length < NONCE_BYTES + TAG_BITS / 8) throw new AEADBadTagException("too short to be sealed");
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
    cipher.updateAAD(boundTo);
    return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
  }

  @Override
  public String toString() {
    byte[] encoded = key.getEncoded();
    return encoded == null ? "TokenCipher{AES-GCM, key kept by its key store}" : "TokenCipher{AES-" + encoded.length * 8 + "-GCM}";
  }
}
