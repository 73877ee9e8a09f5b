package dev.silentrefresh.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * When an access token expires, on the <b>local</b> clock: its lifetime counted from when its reply
 * arrived, so a client clock ahead of or behind the server's costs no refresh. The lifetime is
 * {@code expires_in}; else the JWT's {@code exp − iat}; else its {@code exp} less the reply's
 * {@code Date} header; when {@code expires_in} and a JWT lifetime are both known, the shorter wins.
 * Only with none of these is a JWT {@code exp} taken as a local time. A lifetime of zero or less, or
 * one beyond a century, is treated as unknown: the token is used until the backend rejects it.
 */
public final class TokenLifetime {
  private static final Duration CENTURY = Duration.ofDays(36_525);

  private TokenLifetime() {}

  /**
   * @param expiresInSeconds the reply's {@code expires_in}, or null
   * @param accessToken the access token (a JWT is read for {@code exp}/{@code iat})
   * @param dateHeader the reply's {@code Date} header, or null
   * @param receivedAt when the reply arrived, on the session's clock
   * @return the local expiry, or null when unknown
   */
  public static Instant expiresAt(Long expiresInSeconds, String accessToken, String dateHeader, Instant receivedAt) {
    Duration fromReply = expiresInSeconds == null ? null : Duration.ofSeconds(expiresInSeconds);
    Duration fromJwt = null;
    Jwt.Times jwt = Jwt.times(accessToken);
    if (jwt != null && jwt.exp != null) {
      if (jwt.iat != null) {
        fromJwt = Duration.ofSeconds(jwt.exp - jwt.iat);
      } else {
        Instant serverNow = httpDate(dateHeader);
        if (serverNow != null) {
          fromJwt = Duration.between(serverNow, Instant.ofEpochSecond(jwt.exp));
        } else if (fromReply == null) {
          fromJwt = Duration.between(receivedAt, Instant.ofEpochSecond(jwt.exp)); // the local clock's word only
        }
      }
    }
    Duration lifetime = shorter(usable(fromReply), usable(fromJwt));
    return lifetime == null ? null : receivedAt.plus(lifetime);
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
