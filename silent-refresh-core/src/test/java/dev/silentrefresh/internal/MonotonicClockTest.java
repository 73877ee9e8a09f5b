package dev.silentrefresh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MonotonicClockTest {
  @Test
  void itsMillisAreItsInstantsMillisWithoutMakingAnInstant() {
    AtomicLong nanos = new AtomicLong(-5_123_456_789L);
    MonotonicClock clock = new MonotonicClock(Instant.parse("2026-11-22T10:00:00.000999999Z"), nanos::get);
    for (long step : new long[] {0, 1, 1, 999_998, 1, 1_000_000, 123_456_789, 86_400_000_000_000L}) {
      nanos.addAndGet(step);
      assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
      assertThat(clock.millisAt(nanos.get())).isEqualTo(clock.millis());
    }
  }
}
