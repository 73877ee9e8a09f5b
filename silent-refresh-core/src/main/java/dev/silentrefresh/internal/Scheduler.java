package dev.silentrefresh.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One daemon timer thread shared by all sessions, for deadlines and retry backoff. It only hands work
 * to a session's executor, so a slow callback of one session never delays another's timer.
 */
public final class Scheduler {
  private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "silent-refresh-timer");
    t.setDaemon(true);
    return t;
  });

  private Scheduler() {}

  /** Runs {@code task} on {@code executor} after {@code millis}. */
  public static ScheduledFuture<?> later(long millis, Executor executor, Runnable task) {
    return TIMER.schedule(() -> run(executor, task), Math.max(0, millis), TimeUnit.MILLISECONDS);
  }

  /** Runs {@code task} on {@code executor}, or right here when the executor refuses it (shutting down). */
  public static void run(Executor executor, Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }
}
