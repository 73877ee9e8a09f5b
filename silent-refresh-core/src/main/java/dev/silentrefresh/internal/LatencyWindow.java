package dev.silentrefresh.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long recent requests took to get their reply: a high percentile of the last {@value #SIZE}
 * sends, so that a token is not sent when it would expire in transit. Recording is lock-free, cheap and
 * allocates nothing; the percentile is recomputed every {@value #EVERY} records.
 */
public final class LatencyWindow {
  static final int SIZE = 128;
  static final int EVERY = 16;

  private final AtomicLongArray nanos = new AtomicLongArray(SIZE);
  private final AtomicLong count = new AtomicLong();
  private volatile long highNanos;

  /** Records one request's time from send to reply. */
  public void record(long elapsedNanos) {
    if (elapsedNanos < 0) return;
    long n = count.getAndIncrement();
    nanos.set((int) (n % SIZE), elapsedNanos);
    if (n % EVERY == EVERY - 1 || n < EVERY) recompute((int) Math.min(n + 1, SIZE));
  }

  /** The 99th percentile of recent sends (the second highest of 128), or zero before any. */
  public Duration high() {
    return Duration.ofNanos(highNanos);
  }

  /** {@link #high()} in nanoseconds. */
  public long highNanos() {
    return highNanos;
  }

  /**
   * The 99th percentile of the first {@code filled} samples, nearest rank: rank ⌈0.99 n⌉ is the highest up to
   * 100 samples and the second highest from 101 to 128, so one pass keeping the two highest finds it.
   */
  private void recompute(int filled) {
    long first = 0;
    long second = 0;
    for (int i = 0; i < filled; i++) {
      long v = nanos.get(i);
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) {
        second = v;
      }
    }
    highNanos = filled > 100 ? second : first;
  }
}
