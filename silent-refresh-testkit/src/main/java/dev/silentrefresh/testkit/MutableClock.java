package dev.silentrefresh.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told: share one between an {@link AuthServer} and the client under test
 * to step through token lifetimes without waiting. Thread-safe. UTC.
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;

  public MutableClock(Instant start) {
    if (start == null) throw new IllegalArgumentException("start is null");
    this.now = new AtomicReference<>(start);
  }

  /** A clock at 2030-01-01T00:00:00Z. */
  public MutableClock() {
    this(Instant.parse("2030-01-01T00:00:00Z"));
  }

  /** Moves the clock forward (or back, for a negative duration). */
  public void advance(Duration d) {
    now.updateAndGet(i -> i.plus(d));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** @throws UnsupportedOperationException always: this clock is UTC only */
  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("MutableClock is UTC only");
  }
}
