package dev.silentrefresh.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Many requests at once, and how long each took: the herd's measurement. */
final class Burst {
  /** A burst's outcome; latencies sorted, in nanoseconds. */
  record Outcome(long succeeded, long failed, long[] sortedNanos) {
    double p50Millis() {
      return Stats.percentileMillis(sortedNanos, 50);
    }

    double p99Millis() {
      return Stats.percentileMillis(sortedNanos, 99);
    }
  }

  /** A request that blocks its thread until it is done; true when it succeeded. */
  @FunctionalInterface
  interface Blocking {
    boolean send() throws Exception;
  }

  private Burst() {}

  /**
   * Starts {@code n} requests back to back from this thread without waiting for any (each {@code start} returns
   * at once), then waits for all of them.
   */
  static Outcome async(int n, Supplier<CompletableFuture<Boolean>> start) throws Exception {
    long[] latencies = new long[n];
    List<CompletableFuture<Boolean>> calls = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      long started = System.nanoTime();
      calls.add(start.get().handle((ok, error) -> {
        latencies[index] = System.nanoTime() - started;
        return error == null && ok;
      }));
    }
    long succeeded = 0;
    for (CompletableFuture<Boolean> c : calls) if (c.get(5, TimeUnit.MINUTES)) succeeded++;
    Arrays.sort(latencies);
    return new Outcome(succeeded, n - succeeded, latencies);
  }

  /** {@code n} threads, released together, each sending one blocking request: how blocking clients meet a herd. */
  static Outcome threads(int n, Blocking request) throws Exception {
    long[] latencies = new long[n];
    boolean[] ok = new boolean[n];
    CountDownLatch ready = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      Thread t = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
          long started = System.nanoTime();
          try {
            ok[index] = request.send();
          } catch (Exception e) {
            ok[index] = false;
          }
          latencies[index] = System.nanoTime() - started;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "herd-" + i);
      t.setDaemon(true);
      t.start();
      threads.add(t);
    }
    ready.await();
    go.countDown();
    for (Thread t : threads) t.join(TimeUnit.MINUTES.toMillis(5));
    long succeeded = 0;
    for (boolean b : ok) if (b) succeeded++;
    Arrays.sort(latencies);
    return new Outcome(succeeded, n - succeeded, latencies);
  }
}
