package dev.silentrefresh.internal;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When an access token expires, on the <b>local</b> clock: its lifetime counted from when the request that got
 * it was sent (the token was issued later, so this is the safe side), so a client clock ahead of or behind the
 * server's costs no refresh. Lifetimes keep their fractions of a second. The lifetime is
 * {@code expires_in}; else the JWT's {@code exp − iat}; else its {@code exp} less the reply's
 * {@code Date} header; when {@code expires_in} and a JWT lifetime are both known, the shorter wins.
 * Only with none of these is a JWT {@code exp} taken as a local time. A lifetime of zero or less, or
 * one beyond a century, is treated as unknown: the token is used until the backend rejects it.
 */
public final class TokenLifetime {
  private static final Duration CENTURY = Duration.ofDays(36_525);

  private TokenLifetime() {}

  /**
   * Nothing is rounded to whole seconds: a 1.5-second {@code expires_in} counts as 1.5 s, and a JWT's fractional
   * {@code exp} (RFC 7519 NumericDate) keeps its fraction.
   *
   * @param expiresIn the reply's {@code expires_in}, or null
   * @param accessToken the access token (a JWT is read for {@code exp}/{@code iat})
   * @param dateHeader the reply's {@code Date} header, or null
   * @param receivedAt where the lifetime counts from: a refresh counts it from when its request was sent (a token is
   *     issued after that, so it lives at least that long from there)
   * @return the local expiry, or null when unknown
   */
  public static Instant expiresAt(Duration expiresIn, String accessToken, String dateHeader, Instant receivedAt) {
    Duration fromReply = expiresIn;
    Duration fromJwt = null;
    Jwt.Times jwt = Jwt.times(accessToken);
    if (jwt != null && jwt.expAt != null) {
      if (jwt.iatAt != null) {
        fromJwt = Duration.between(jwt.iatAt, jwt.expAt);
      } else {
        Instant serverNow = httpDate(dateHeader);
        if (serverNow != null) {
          fromJwt = Duration.between(serverNow, jwt.expAt);
        } else if (fromReply == null) {
          fromJwt = Duration.between(receivedAt, jwt.expAt); // the local clock's word only
        }
      }
    }
    Duration lifetime = shorter(usable(fromReply), usable(fromJwt));
    return lifetime == null ? null : receivedAt.plus(lifetime);
  }

  /** {@code seconds} (a decimal number of seconds) as a duration, any fraction beyond nanoseconds dropped. */
  public static Duration seconds(BigDecimal seconds) {
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    long nanos = seconds.subtract(whole).movePointRight(9).setScale(0, RoundingMode.FLOOR).longValueExact();
    return Duration.ofSeconds(whole.longValueExact(), nanos);
  }

  private static Duration usable(Duration d) {
    if (d == null || d.isNegative() || d.isZero() || d.compareTo(CENTURY) > 0) return null;
    return d;
  }

  private static Duration shorter(Duration a, Duration b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Instant httpDate(String value) {
    if (value == null) return null;
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
