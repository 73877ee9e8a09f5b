package dev.silentrefresh.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How long recent requests took to get their reply: a high percentile of the last {@value #SIZE}
 * sends, so that a token is not sent when it would expire in transit. Recording is lock-free and
 * cheap; the percentile is recomputed every {@value #EVERY} records.
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
    if (n % EVERY == EVERY - 1 || n < EVERY) recompute(Math.min(n + 1, SIZE));
  }

  /** The 99th percentile of recent sends (the second highest of 128), or zero before any. */
  public Duration high() {
    return Duration.ofNanos(highNanos);
  }

  private void recompute(long filled) {
    long[] copy = new long[(int) filled];
    for (int i = 0; i < copy.length; i++) copy[i] = nanos.get(i);
    Arrays.sort(copy);
    int index = (int) Math.min(copy.length - 1, Math.ceil(copy.length * 0.99) - 1);
    highNanos = copy[Math.max(index, 0)];
  }
}
