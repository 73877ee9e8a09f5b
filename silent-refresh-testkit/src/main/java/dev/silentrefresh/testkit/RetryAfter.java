package dev.silentrefresh.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** {@code Retry-After} values (RFC 9110 §10.2.3) and the 429 reply that carries one. */
final class RetryAfter {
  /** IMF-fixdate, e.g. {@code Sun, 06 Nov 1994 08:49:37 GMT}: always two-digit days, always GMT. */
  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private RetryAfter() {
  }

  /** {@code wait} as delta-seconds, rounded up: a client never comes back early. */
  static String seconds(Duration wait) {
    long s = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
    return Long.toString(Math.max(0, s));
  }

  /** {@code now + wait} as an HTTP-date, rounded up to the second. */
  static String httpDate(Instant now, Duration wait) {
    Instant at = now.plus(wait);
    if (at.getNano() > 0) {
      at = Instant.ofEpochSecond(at.getEpochSecond() + 1);
    }
    return IMF_FIXDATE.format(at);
  }

  /** 429 {@code {"error":"too_many_requests"}} with {@code Retry-After: value}. */
  static Reply tooManyRequests(String value) {
    return Reply.json(429, "{\"error\":\"too_many_requests\"}").withHeader("Retry-After", value);
  }
}
