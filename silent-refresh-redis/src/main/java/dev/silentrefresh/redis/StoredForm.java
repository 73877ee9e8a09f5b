package dev.silentrefresh.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.TokenCipher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The tokens as they are written in Redis: a JSON object marked with {@value #FORMAT}, or, with a key, that
 * JSON sealed with AES-GCM ({@code enc:v1:} + base64 of a 12-byte nonce and the ciphertext), bound to the Redis
 * key it is written under so that a value cannot be moved to another session. Errors name the Redis key and
 * what is wrong, never a token.
 */
final class StoredForm {
  static final String FORMAT = "silent-refresh.tokens/1";
  private static final String SEALED = "enc:v1:";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String redisKey;
  private final @Nullable TokenCipher cipher;

  StoredForm(String redisKey, @Nullable SecretKey key) {
    this.redisKey = redisKey;
    this.cipher = key == null ? null : TokenCipher.of(key);
  }

  String write(Tokens tokens) throws IOException {
    ObjectNode node = JSON.createObjectNode();
    node.put("format", FORMAT);
    node.put("accessToken", tokens.accessToken());
    if (tokens.refreshToken() != null) node.put("refreshToken", tokens.refreshToken());
    if (tokens.expiresAt() != null) node.put("expiresAt", tokens.expiresAt().toString());
    if (tokens.refreshExpiresAt() != null) node.put("refreshExpiresAt", tokens.refreshExpiresAt().toString());
    byte[] plain = JSON.writeValueAsBytes(node);
    return cipher == null ? new String(plain, StandardCharsets.UTF_8) : seal(plain);
  }

  Tokens read(String stored) throws IOException {
    byte[] plain;
    if (stored.startsWith(SEALED)) {
      if (cipher == null) {
        throw new IOException("the session at Redis key " + redisKey + " is encrypted; configure its encryption key");
      }
      plain = open(stored.substring(SEALED.length()));
    } else {
      if (cipher != null) {
        throw new IOException("the session at Redis key " + redisKey + " is not encrypted, but an encryption key is"
            + " configured: refusing it (it may have been written by something else)");
      }
      plain = stored.getBytes(StandardCharsets.UTF_8);
    }
    JsonNode node;
    try {
      node = JSON.readTree(plain);
    } catch (IOException e) {
      throw new IOException("Redis key " + redisKey + " holds something that is not a Silent Refresh session (not JSON)");
    }
    if (node == null || !node.isObject() || !FORMAT.equals(node.path("format").asText(null))) {
      throw new IOException("Redis key " + redisKey + " holds something that is not a Silent Refresh session"
          + " (no \"format\":\"" + FORMAT + "\")");
    }
    try {
      return Tokens.builder()
          .accessToken(text(node, "accessToken"))
          .refreshToken(text(node, "refreshToken"))
          .expiresAt(instant(node, "expiresAt"))
          .refreshExpiresAt(instant(node, "refreshExpiresAt"))
          .build();
    } catch (IllegalArgumentException | IOException e) {
      throw new IOException("the session at Redis key " + redisKey + " is damaged: " + e.getMessage());
    }
  }

  private String seal(byte[] plain) throws IOException {
    try {
      return SEALED + Base64.getEncoder().encodeToString(cipher.seal(plain, redisKey.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encrypt the session for Redis key " + redisKey + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private byte[] open(String base64) throws IOException {
    byte[] all;
    try {
      all = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IOException("the encrypted session at Redis key " + redisKey + " is damaged (not base64)");
    }
    try {
      return cipher.open(all, redisKey.getBytes(StandardCharsets.UTF_8));
    } catch (AEADBadTagException e) {
      throw new IOException("cannot decrypt the session at Redis key " + redisKey
          + ": wrong encryption key, or the value was changed, cut short or moved from another key");
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot decrypt the session at Redis key " + redisKey + ": " + e.getClass().getSimpleName(), e);
    }
  }

  private static @Nullable String text(JsonNode node, String field) throws IOException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new IOException("field " + field + " is not a string");
    return v.asText();
  }

  private @Nullable Instant instant(JsonNode node, String field) throws IOException {
    String text = text(node, field);
    if (text == null) return null;
    try {
      return Instant.parse(text);
    } catch (java.time.format.DateTimeParseException e) {
      throw new IOException(field + " is not an instant");
    }
  }
}
