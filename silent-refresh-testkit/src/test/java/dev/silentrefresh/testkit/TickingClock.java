package dev.silentrefresh.testkit;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that moves one microsecond forward on every read, so two reads are never equal and their order is
 * the order of the reads — like a fast real clock, but without depending on the machine's timer resolution.
 */
final class TickingClock extends Clock {
  private final Instant start;
  private final AtomicLong reads = new AtomicLong();

  TickingClock(Instant start) {
    this.start = start;
  }

  @Override
  public Instant instant() {
    return start.plusNanos(1_000 * reads.incrementAndGet());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
