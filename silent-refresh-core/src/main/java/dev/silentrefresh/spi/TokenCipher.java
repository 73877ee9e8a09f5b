package dev.silentrefresh.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.jspecify.annotations.Nullable;

/**
 * AES-GCM for tokens at rest, as the stores use it ({@code TokenStore.file} with a key, the Redis store): a sealed
 * value is a fresh random 96-bit nonce followed by the ciphertext and its 128-bit tag, bound to associated data the
 * store chooses (a header, a Redis key), so a changed byte, a value moved elsewhere or a wrong key fails to open.
 * It never shows the key, and its failures never quote what they sealed.
 *
 * <p>A key from the Android Keystore (which has no encoded form and picks the nonce itself) works too: the cipher
 * then takes the nonce the provider generates.
 */
public final class TokenCipher {
  /** Bytes a sealed value has beyond its plaintext: nonce and tag. */
  public static final int OVERHEAD = 12 + 16;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final String TRANSFORMATION = "AES/GCM/NoPadding";
  private static final byte[] KEY_CHECK_CONTEXT = "silent-refresh/key-check/1".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKey key;

  private TokenCipher(SecretKey key) {
    this.key = key;
  }

  /**
   * A cipher under {@code key}: an AES key of 128, 192 or 256 bits (from bytes: {@code new SecretKeySpec(bytes,
   * "AES")}), or a key kept in a hardware key store that shows no bits.
   *
   * @throws IllegalArgumentException naming what is wrong with the key (never its bits)
   */
  public static TokenCipher of(SecretKey key) {
    if (key == null) throw new IllegalArgumentException("the encryption key is null");
    if (!"AES".equalsIgnoreCase(key.getAlgorithm())) {
      throw new IllegalArgumentException("the encryption key must be an AES key, not " + key.getAlgorithm());
    }
    byte[] encoded = key.getEncoded();
    if (encoded != null) {
      int bits = encoded.length * 8;
      Arrays.fill(encoded, (byte) 0);
      if (bits != 128 && bits != 192 && bits != 256) {
        throw new IllegalArgumentException("the encryption key must have 128, 192 or 256 bits, not " + bits);
      }
    }
    return new TokenCipher(key);
  }

  /**
   * A cipher under the secret key entry {@code alias} of a loaded {@code keyStore} (PKCS12, JCEKS, the Android
   * Keystore: {@code password} null there).
   *
   * @throws IllegalArgumentException no such entry, not an AES secret key, a wrong password, or a key store not loaded
   */
  public static TokenCipher fromKeyStore(KeyStore keyStore, String alias, char @Nullable [] password) {
    if (keyStore == null || alias == null) throw new IllegalArgumentException("keyStore and alias are required");
    Key found;
    try {
      found = keyStore.getKey(alias, password);
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException("cannot recover key '" + alias + "' from the key store: wrong password?");
    } catch (KeyStoreException e) {
      throw new IllegalArgumentException("the key store is not loaded (KeyStore.load first)");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalArgumentException("cannot recover key '" + alias + "' from the key store: " + e.getMessage());
    }
    if (found == null) throw new IllegalArgumentException("the key store has no key '" + alias + "'");
    if (!(found instanceof SecretKey)) {
      throw new IllegalArgumentException("key '" + alias + "' is a " + found.getAlgorithm()
          + " private key, not a secret (AES) key");
    }
    return of((SecretKey) found);
  }

  /** Seals {@code plain} under a new nonce, bound to {@code associatedData}. */
  public byte[] seal(byte[] plain, byte[] associatedData) throws IOException {
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      try {
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      } catch (InvalidAlgorithmParameterException providerPicksTheNonce) {
        cipher.init(Cipher.ENCRYPT_MODE, key); // the Android Keystore: randomized encryption, its own nonce
        nonce = cipher.getIV();
        if (nonce == null || nonce.length != NONCE_BYTES) throw new IOException("the key's provider picked no 96-bit nonce");
      }
      cipher.updateAAD(associatedData);
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encrypt with the configured key: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * Opens what {@link #seal} made with the same associated data.
   *
   * @throws AEADBadTagException a wrong key, a changed byte, or other associated data
   * @throws IOException too short to be sealed, or the cipher is unavailable
   */
  public byte[] open(byte[] sealed, byte[] associatedData) throws IOException, AEADBadTagException {
    if (sealed.length < OVERHEAD) throw new IOException("too short to be encrypted (" + sealed.length + " bytes)");
    try {
      Cipher cipher = Cipher.getInstance(TRANSFORMATION);
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
      cipher.updateAAD(associatedData);
      return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw e;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot decrypt with the configured key: " + e.getClass().getSimpleName(), e);
    }
  }

  /**
   * A short value ({@link #OVERHEAD} bytes) that only this key opens: written beside sealed data, it tells a wrong
   * key ({@link #isKeyOf} false) from data changed after it was written.
   */
  public byte[] keyCheck() throws IOException {
    return seal(new byte[0], KEY_CHECK_CONTEXT);
  }

  /** True when {@code keyCheck} was made by {@link #keyCheck()} under this key. */
  public boolean isKeyOf(byte[] keyCheck) throws IOException {
    try {
      return open(keyCheck, KEY_CHECK_CONTEXT).length == 0;
    } catch (AEADBadTagException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "TokenCipher{AES-GCM}";
  }
}
