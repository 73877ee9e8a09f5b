package dev.silentrefresh.okhttp;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Thread pools of this module: like OkHttp's dispatcher pool, with daemon threads that never hold a JVM open. */
final class DaemonThreads {
  private DaemonThreads() {}

  /** An unbounded pool whose idle threads end after 60 s. */
  static ExecutorService pool(String threadName) {
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
  }
}
