package dev.silentrefresh;

import static dev.silentrefresh.HostileInput.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.internal.Jwt;
import dev.silentrefresh.internal.TokenLifetime;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * JWT expiry reading over tokens of every shape (broken base64url, missing or extra segments, claims
 * missing, negative, huge, fractional, strings or other types) and lifetimes of every size: reading never
 * throws, a claim is a plausible epoch second or absent, and an expiry is unknown or within a century
 * after the reply arrived, never later than {@code expires_in} says.
 */
class JwtLifetimeFuzzTest {
  private static final Duration CENTURY = Duration.ofDays(36_525);

  private static String token(SplittableRandom r) {
    switch (r.nextInt(6)) {
      case 0: return HostileInput.text(r, 200);
      case 1: return HostileInput.secret(r);
      default: return HostileInput.jwt(r, NOW.getEpochSecond());
    }
  }

  private static Long expiresIn(SplittableRandom r) {
    switch (r.nextInt(5)) {
      case 0: return null;
      case 1: return r.nextLong();
      case 2: return (long) r.nextInt(-10, 10);
      default: return (long) r.nextInt(1, 100_000);
    }
  }

  @Test
  void timeClaimsAreAbsentOrPlausibleEpochSeconds() {
    Fuzz.check("JWT claims", 3000, t -> {
      String token = token(t.random);
      t.note("token", token);
      Jwt.Times times = Jwt.times(token);
      if (times == null) return;
      for (Long claim : new Long[] {times.exp, times.iat}) {
        if (claim != null) assertThat(claim).isBetween(1L, 100_000_000_000L);
      }
    });
  }

  @Test
  void anExpiryIsUnknownOrWithinACenturyAfterTheReplyAndNoLaterThanExpiresInSays() {
    Fuzz.check("token lifetime", 3000, t -> {
      SplittableRandom r = t.random;
      String token = token(r);
      Long expiresIn = expiresIn(r);
      String date = HostileInput.httpDate(r, NOW.getEpochSecond());
      Instant receivedAt = NOW.plusSeconds(r.nextLong(-3_000_000_000L, 3_000_000_000L)); // ± 95 years
      t.note("token", token);
      t.note("expires_in", expiresIn);
      t.note("Date", date);
      t.note("received at", receivedAt);
      Instant expiry = TokenLifetime.expiresAt(expiresIn == null ? null : Duration.ofSeconds(expiresIn), token, date,
          receivedAt);
      if (expiry == null) return;
      assertThat(expiry).isAfter(receivedAt).isBeforeOrEqualTo(receivedAt.plus(CENTURY));
      if (expiresIn != null && expiresIn > 0 && expiresIn <= CENTURY.getSeconds()) {
        assertThat(expiry).isBeforeOrEqualTo(receivedAt.plusSeconds(expiresIn));
      }
    });
  }
}
