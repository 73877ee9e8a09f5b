package dev.silentrefresh.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One daemon timer thread shared by all sessions, for refresh timeouts and retry backoff. */
public final class Scheduler {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "silent-refresh-timer");
    t.setDaemon(true);
    return t;
  });

  private Scheduler() {}

  /** Runs {@code task} after {@code millis} on the timer thread. */
  public static ScheduledFuture<?> later(long millis, Runnable task) {
    return TIMER.schedule(task, Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  /**
   * A future that completes as {@code source} does, or with a {@link TimeoutException} after
   * {@code millis}; {@code source} itself is left alone.
   */
  public static <T> CompletableFuture<T> within(CompletableFuture<T> source, long millis) {
    CompletableFuture<T> result = new CompletableFuture<>();
    ScheduledFuture<?> timer = later(millis, () -> result.completeExceptionally(
        new TimeoutException("no reply within " + millis + " ms")));
    source.whenComplete((value, error) -> {
      timer.cancel(false);
      if (error != null) result.completeExceptionally(error);
      else result.complete(value);
    });
    return result;
  }
}
