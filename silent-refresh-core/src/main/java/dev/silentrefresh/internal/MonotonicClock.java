package dev.silentrefresh.internal;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * The system's UTC time as it was when this class loaded, advanced by {@link System#nanoTime()}: a
 * wall clock that never jumps. Token lifetimes are counted on it, so a clock set forward or back by a
 * day (NTP, a user, a suspended laptop's resync) costs no refresh and sends no expired token.
 */
public final class MonotonicClock extends Clock {
  private static final MonotonicClock SYSTEM = new MonotonicClock(Clock.systemUTC().instant(), System::nanoTime);

  private final Instant origin;
  private final long originNanos;
  private final LongSupplier nanoTime;
  private final long originMillis;
  private final long originSubMilliNanos;

  MonotonicClock(Instant origin, LongSupplier nanoTime) {
    this.origin = origin;
    this.nanoTime = nanoTime;
    this.originNanos = nanoTime.getAsLong();
    this.originMillis = origin.toEpochMilli();
    this.originSubMilliNanos = origin.getNano() % 1_000_000;
  }

  public static MonotonicClock system() {
    return SYSTEM;
  }

  @Override
  public Instant instant() {
    return origin.plusNanos(nanoTime.getAsLong() - originNanos);
  }

  /** As {@code instant().toEpochMilli()}, without making an {@link Instant} (the send path reads it). */
  @Override
  public long millis() {
    return millisAt(nanoTime.getAsLong());
  }

  /** {@link #millis()} when this clock's nano time source read {@code nanoTime}: lets a caller read it once. */
  public long millisAt(long nanoTime) {
    return originMillis + Math.floorDiv(originSubMilliNanos + (nanoTime - originNanos), 1_000_000L);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) return this;
    MonotonicClock utc = this;
    return new Clock() {
      @Override public Instant instant() { return utc.instant(); }
      @Override public ZoneId getZone() { return zone; }
      @Override public Clock withZone(ZoneId other) { return utc.withZone(other); }
    };
  }

  @Override
  public String toString() {
    return "MonotonicClock{UTC}";
  }
}
