package dev.silentrefresh.internal;

import static dev.silentrefresh.internal.JwtTest.jwt;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/** Lifetimes count from local receipt, so a client clock far from the server's costs nothing. */
class TokenLifetimeTest {
  /** The server's time when it issued the tokens. */
  private static final Instant SERVER = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration DAY = Duration.ofDays(1);

  private static String issued(long ttlSeconds, boolean withIat) {
    long now = SERVER.getEpochSecond();
    return jwt("{" + (withIat ? "\"iat\":" + now + "," : "") + "\"exp\":" + (now + ttlSeconds) + "}");
  }

  private static String httpDate(Instant t) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(t.atOffset(ZoneOffset.UTC));
  }

  @Test
  void aClientClockADayAheadOrBehindGetsTheFullLifetime() {
    for (Instant local : new Instant[] {SERVER.plus(DAY), SERVER.minus(DAY), SERVER.plusSeconds(290)}) {
      assertThat(TokenLifetime.expiresAt(Duration.ofSeconds(300), "opaque", null, local)).isEqualTo(local.plusSeconds(300));
      assertThat(TokenLifetime.expiresAt((Duration) null, issued(300, true), null, local)).isEqualTo(local.plusSeconds(300));
      assertThat(TokenLifetime.expiresAt((Duration) null, issued(300, false), httpDate(SERVER), local))
          .as("exp less the reply's Date").isEqualTo(local.plusSeconds(300));
    }
  }

  @Test
  void theShorterOfExpiresInAndTheJwtLifetimeWins() {
    Instant local = SERVER.plus(DAY);
    assertThat(TokenLifetime.expiresAt(Duration.ofSeconds(600), issued(300, true), null, local)).isEqualTo(local.plusSeconds(300));
    assertThat(TokenLifetime.expiresAt(Duration.ofSeconds(60), issued(300, true), null, local)).isEqualTo(local.plusSeconds(60));
    assertThat(TokenLifetime.expiresAt(Duration.ofSeconds(600), issued(300, false), null, local))
        .as("an exp with nothing to anchor it is not trusted over expires_in").isEqualTo(local.plusSeconds(600));
  }

  @Test
  void zeroNegativeOrAbsurdLifetimesAreUnknownNotAnEndlessRefresh() {
    Instant local = SERVER.plus(DAY);
    assertThat(TokenLifetime.expiresAt(Duration.ofSeconds(0), "opaque", null, local)).isNull();
    assertThat(TokenLifetime.expiresAt((Duration) null, issued(300, false), null, local)).as("exp in the local past").isNull();
    assertThat(TokenLifetime.expiresAt((Duration) null, issued(-60, true), null, local)).isNull();
    assertThat(TokenLifetime.expiresAt((Duration) null, jwt("{\"iat\":1,\"exp\":99999999999}"), null, local)).isNull();
    assertThat(TokenLifetime.expiresAt((Duration) null, issued(300, false), "not a date", SERVER))
        .as("no usable Date: the local clock's word").isEqualTo(SERVER.plusSeconds(300));
  }
}
