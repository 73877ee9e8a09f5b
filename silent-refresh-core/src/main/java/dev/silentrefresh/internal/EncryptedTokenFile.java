package dev.silentrefresh.internal;

import dev.silentrefresh.spi.TokenCipher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;

/**
 * The layout of an encrypted token file: a header — magic {@code SRTF}, format version, a key check (only the key
 * that wrote the file opens it), the payload's length — then the token JSON sealed with AES-GCM, bound to that
 * header. So each way a file can be wrong reads as its own error, naming the file and never a secret: encrypted
 * but no key configured, plaintext but a key configured, a format version this code does not know, a wrong key,
 * a truncated file, a changed byte.
 */
final class EncryptedTokenFile {
  private static final byte[] MAGIC = {'S', 'R', 'T', 'F'};
  private static final byte FORMAT_VERSION = 1;
  private static final int HEADER_BYTES = MAGIC.length + 1 + TokenCipher.OVERHEAD + 4;

  private EncryptedTokenFile() {}

  /** True when {@code bytes} start like an encrypted token file (of any format version), or as one cut short. */
  static boolean looksEncrypted(byte[] bytes) {
    int n = Math.min(bytes.length, MAGIC.length);
    return n > 0 && Arrays.equals(Arrays.copyOf(bytes, n), Arrays.copyOf(MAGIC, n));
  }

  static byte[] seal(byte[] json, TokenCipher cipher) throws IOException {
    byte[] keyCheck = cipher.keyCheck();
    int payloadBytes = json.length + TokenCipher.OVERHEAD;
    byte[] header = ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).put(FORMAT_VERSION).put(keyCheck)
        .putInt(payloadBytes).array();
    byte[] payload = cipher.seal(json, header);
    return ByteBuffer.allocate(HEADER_BYTES + payload.length).put(header).put(payload).array();
  }

  /** The token JSON in {@code bytes}, which {@link #looksEncrypted} accepted or which are empty. */
  static byte[] open(byte[] bytes, TokenCipher cipher, Path file) throws IOException {
    if (bytes.length <= MAGIC.length) throw truncated(file, bytes.length, HEADER_BYTES);
    if (bytes[MAGIC.length] != FORMAT_VERSION) {
      throw new IOException("token file " + file + " is in encrypted format version " + (bytes[MAGIC.length] & 0xff)
          + ", which this version of Silent Refresh cannot read (written by a newer one?); sign in again to replace it");
    }
    if (bytes.length < HEADER_BYTES) throw truncated(file, bytes.length, HEADER_BYTES);
    ByteBuffer in = ByteBuffer.wrap(bytes, MAGIC.length + 1, HEADER_BYTES - MAGIC.length - 1);
    byte[] keyCheck = new byte[TokenCipher.OVERHEAD];
    in.get(keyCheck);
    int payloadBytes = in.getInt();
    if (!cipher.isKeyOf(keyCheck)) {
      throw new IOException("token file " + file + " was encrypted with another key than the one configured;"
          + " configure that key, or sign in again to replace it");
    }
    if (payloadBytes < TokenCipher.OVERHEAD || bytes.length - HEADER_BYTES < payloadBytes) {
      throw truncated(file, bytes.length, HEADER_BYTES + (long) Math.max(payloadBytes, TokenCipher.OVERHEAD));
    }
    if (bytes.length - HEADER_BYTES > payloadBytes) {
      throw changed(file, (bytes.length - HEADER_BYTES - payloadBytes) + " bytes more than its header says");
    }
    try {
      return cipher.open(Arrays.copyOfRange(bytes, HEADER_BYTES, bytes.length), Arrays.copyOf(bytes, HEADER_BYTES));
    } catch (AEADBadTagException e) {
      throw changed(file, "it fails authentication");
    }
  }

  static IOException encryptedWithoutKey(Path file) {
    return new IOException("token file " + file + " is encrypted, but this store has no key:"
        + " use TokenStore.file(path, key), or sign in again to replace it");
  }

  static IOException plaintextWithKey(Path file, byte[] bytes) {
    String what = startsLikeJson(bytes) ? "is not encrypted (plain JSON)" : "is not a Silent Refresh token file";
    return new IOException("token file " + file + " " + what + ", but this store encrypts: refusing to read it;"
        + " sign in again to replace it with an encrypted one");
  }

  private static boolean startsLikeJson(byte[] bytes) {
    String start = new String(bytes, 0, Math.min(bytes.length, 16), StandardCharsets.ISO_8859_1).trim();
    return start.startsWith("{");
  }

  private static IOException truncated(Path file, long have, long need) {
    return new IOException("token file " + file + " is truncated (" + have + " of at least " + need
        + " bytes); sign in again to replace it");
  }

  private static IOException changed(Path file, String how) {
    return new IOException("token file " + file + " was changed after it was written (" + how + ");"
        + " sign in again to replace it");
  }
}
