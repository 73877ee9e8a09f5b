package dev.silentrefresh.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The default executor of every session's callbacks: daemon threads that end when idle. */
public final class Callbacks {
  private static final AtomicInteger THREADS = new AtomicInteger();
  /**
   * Grows to a few threads so that one session's slow listener or store cannot hold up another
   * session's refresh; idle threads end after a minute, so an idle JVM holds none.
   */
  private static final ThreadPoolExecutor SHARED = new ThreadPoolExecutor(
      8, 8, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
        Thread t = new Thread(r, "silent-refresh-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });

  static {
    SHARED.allowCoreThreadTimeOut(true);
  }

  private Callbacks() {}

  public static Executor shared() {
    return SHARED;
  }
}
