package dev.silentrefresh.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Reads the time claims of a JWT without verifying it (the client only needs to know how long it
 * lives). Lenient on purpose: an unreadable claim is treated as absent, so a quirky token never costs
 * a session its freshly rotated refresh token.
 */
public final class Jwt {
  /** Claims beyond this many seconds from the epoch (year 5138) are treated as absent. */
  private static final long MAX_SECONDS = 100_000_000_000L;

  /**
   * The {@code exp} and {@code iat} claims in epoch seconds; either may be null. A NumericDate may have a fraction
   * (RFC 7519 §2): {@link #exp}/{@link #iat} are the whole seconds, {@link #expAt}/{@link #iatAt} keep the fraction.
   */
  public static final class Times {
    public final Long exp;
    public final Long iat;
    /** The claims as instants, to the nanosecond; null when absent. */
    public final Instant expAt;
    public final Instant iatAt;

    Times(Instant expAt, Instant iatAt) {
      this.expAt = expAt;
      this.iatAt = iatAt;
      this.exp = expAt == null ? null : expAt.getEpochSecond();
      this.iat = iatAt == null ? null : iatAt.getEpochSecond();
    }
  }

  private Jwt() {}

  /** The time claims of {@code token}, or null when it is not a JWT (an opaque token, dots or not). */
  public static Times times(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) return null;
    JsonNode header = decode(parts[0]);
    if (header == null || !header.isObject() || !header.has("alg")) return null;
    JsonNode payload = decode(parts[1]);
    if (payload == null || !payload.isObject()) return new Times(null, null);
    return new Times(instant(payload.get("exp")), instant(payload.get("iat")));
  }

  /** A claim as an instant, its fraction of a second kept; null unless it is at least 1 s and at most {@link #MAX_SECONDS}. */
  private static Instant instant(JsonNode n) {
    if (n == null || !n.isNumber()) return null;
    double v = n.asDouble();
    if (!(v >= 1) || v > MAX_SECONDS) return null; // 0.5 would be a token issued in 1970
    Duration sinceEpoch = TokenLifetime.seconds(n.decimalValue());
    return Instant.ofEpochSecond(sinceEpoch.getSeconds(), sinceEpoch.getNano());
  }

  private static JsonNode decode(String part) {
    try {
      return Json.parseOrNull(Base64.getUrlDecoder().decode(part));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
