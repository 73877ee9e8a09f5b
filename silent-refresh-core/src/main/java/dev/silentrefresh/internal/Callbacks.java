package dev.silentrefresh.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The default executor of every session's callbacks: daemon threads that end when idle. */
public final class Callbacks {
  private static final AtomicInteger THREADS = new AtomicInteger();
  /**
   * Grows as needed, so that one session's slow listener, store or refresh lock (which may wait for
   * another process) never holds up another session's refresh; in normal use a few threads, and idle
   * threads end after a minute, so an idle JVM holds none.
   */
  private static final ThreadPoolExecutor SHARED = new ThreadPoolExecutor(
      0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "silent-refresh-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });

  private Callbacks() {}

  public static Executor shared() {
    return SHARED;
  }
}
