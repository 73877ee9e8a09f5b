package dev.silentrefresh.boot;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** What a test opened (servers, application contexts), closed in reverse order; and calls made at once. */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  <T extends AutoCloseable> T add(T closeable) {
    open.add(closeable);
    return closeable;
  }

  /** A reference server with rotation, reuse detection and no grace window. */
  AuthServer server(Profile profile) {
    return add(AuthServer.builder(profile).rotation(true).reuseDetection(true).grace(Duration.ZERO).start());
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
    open.clear();
  }

  /** Runs {@code calls} at once on {@code threads} threads; returns how many failed. */
  static int failures(int threads, List<? extends Callable<?>> calls) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (Callable<?> c : calls) futures.add(pool.submit(c));
      int failed = 0;
      for (Future<?> f : futures) {
        try {
          f.get(90, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          failed++;
        }
      }
      return failed;
    } finally {
      pool.shutdownNow();
    }
  }
}
