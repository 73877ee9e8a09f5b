package dev.silentrefresh.spring;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Daemon threads for the blocking I/O this module must do off the caller's thread: refresh calls through a
 * blocking request factory, and body peeks bounded by a timeout. Unbounded (a thread per call in flight,
 * idle ones end after a minute), so a call that hangs holds only its own thread, never another's turn.
 */
final class BlockingCalls {
  private static final AtomicInteger THREADS = new AtomicInteger();
  static final ExecutorService POOL = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
      new SynchronousQueue<>(), r -> {
        Thread t = new Thread(r, "silent-refresh-spring-io-" + THREADS.incrementAndGet());
        t.setDaemon(true);
        return t;
      });

  private BlockingCalls() {}
}
