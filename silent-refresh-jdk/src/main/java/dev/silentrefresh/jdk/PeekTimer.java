package dev.silentrefresh.jdk;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Ends body peeks that take too long. One daemon thread that only hands tasks on to an executor. */
final class PeekTimer {
  private static final ScheduledThreadPoolExecutor TIMER = new ScheduledThreadPoolExecutor(1, r -> {
    Thread t = new Thread(r, "silent-refresh-jdk-peek-timer");
    t.setDaemon(true);
    return t;
  });

  static {
    TIMER.setRemoveOnCancelPolicy(true); // a peek that ends in time leaves nothing behind
  }

  private PeekTimer() {}

  /** Runs {@code task} on {@code executor} after {@code delay}; cancel the future to drop it. */
  static Future<?> schedule(Duration delay, Executor executor, Runnable task) {
    return TIMER.schedule(() -> executor.execute(task), delay.toNanos(), TimeUnit.NANOSECONDS);
  }
}
