package dev.silentrefresh.testkit;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests held on the server until released: {@link #release()} ends every hold in progress (later holds wait
 * for the next release), {@link #close()} ends them all for good. Thread-safe.
 */
final class Hold {
  private CountDownLatch gate = new CountDownLatch(1); // guarded by this
  private boolean closed; // guarded by this
  private final AtomicInteger holding = new AtomicInteger();

  /** Blocks the calling (request) thread until released, closed, or {@code max} passed. */
  void await(Duration max) {
    CountDownLatch g;
    synchronized (this) {
      if (closed) {
        return;
      }
      g = gate;
    }
    holding.incrementAndGet();
    try {
      g.await(max.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      holding.decrementAndGet();
    }
  }

  /** How many requests are being held right now. */
  int holding() {
    return holding.get();
  }

  synchronized void release() {
    gate.countDown();
    gate = new CountDownLatch(1);
  }

  synchronized void close() {
    closed = true;
    gate.countDown();
  }
}
