package dev.silentrefresh.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Base64;

/** Reads claims of a JWT without verifying it (the client only needs to know when it expires). */
public final class Jwt {
  private Jwt() {}

  /**
   * The {@code exp} claim of {@code token} when it is a JWT; null when it is an opaque token or has no
   * {@code exp}.
   *
   * @throws IllegalArgumentException when the token has a JWT header but an unreadable payload or a
   *     non-numeric {@code exp} (the message never contains the token)
   */
  public static Instant expiry(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) return null;
    JsonNode header = decode(parts[0]);
    if (header == null || !header.isObject() || !header.has("alg")) return null; // opaque token with dots
    JsonNode payload = decode(parts[1]);
    if (payload == null || !payload.isObject()) {
      throw new IllegalArgumentException("the access token has a JWT header but its payload is not a JSON object");
    }
    JsonNode exp = payload.get("exp");
    if (exp == null || exp.isNull()) return null;
    if (!exp.isNumber()) {
      throw new IllegalArgumentException("the access token's JWT exp claim is " + Json.describe(exp) + ", expected a number");
    }
    long seconds = exp.asLong();
    if (seconds <= 0) throw new IllegalArgumentException("the access token's JWT exp claim is not a positive time");
    return Instant.ofEpochSecond(seconds);
  }

  private static JsonNode decode(String part) {
    try {
      return Json.parseOrNull(Base64.getUrlDecoder().decode(part));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
