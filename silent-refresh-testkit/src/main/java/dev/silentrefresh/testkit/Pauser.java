package dev.silentrefresh.testkit;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Server-side waits (injected latency, {@link Faults.Fault#DELAY}). They run on the server's request thread
 * and end early when the server closes, so {@link AuthServer#close()} never waits for a 30 s delay.
 */
final class Pauser {
  private final CountDownLatch closed = new CountDownLatch(1);

  void pause(Duration d) {
    if (d == null || d.isZero() || d.isNegative()) {
      return;
    }
    try {
      closed.await(d.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void close() {
    closed.countDown();
  }
}
