package dev.silentrefresh.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fixed set of threads that send requests in a loop for a while. The threads live as long as this object, so a
 * {@link JvmMeter} reading across a {@link #run} counts what they allocated.
 */
final class Workers implements AutoCloseable {
  /** One request; true when it succeeded. */
  @FunctionalInterface
  interface Request {
    boolean send() throws Exception;
  }

  /** What one {@link #run} did. */
  record Tally(long succeeded, long failed, JvmMeter.Reading spent) {
    double perSecond() {
      return succeeded / (spent.wallNanos() / 1e9);
    }

    /** Process CPU time per successful request, in microseconds. */
    double cpuMicrosPerRequest() {
      return succeeded == 0 ? Double.NaN : spent.cpuNanos() / 1e3 / succeeded;
    }

    /** Bytes allocated per successful request (every thread of the JVM, the in-process server's included). */
    double bytesPerRequest() {
      return succeeded == 0 ? Double.NaN : spent.allocatedBytes() / (double) succeeded;
    }
  }

  private final int count;
  private final ExecutorService pool;

  Workers(String name, int count) {
    this.count = count;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(count, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** Every worker sends {@code request} back to back until {@code duration} is over. */
  Tally run(Duration duration, Request request) throws Exception {
    LongAdder ok = new LongAdder();
    LongAdder failed = new LongAdder();
    JvmMeter.Reading start = JvmMeter.read();
    long end = start.wallNanos() + duration.toNanos();
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      running.add(pool.submit(() -> {
        while (System.nanoTime() < end) {
          boolean sent;
          try {
            sent = request.send();
          } catch (Exception e) {
            sent = false;
          }
          (sent ? ok : failed).increment();
        }
        return null;
      }));
    }
    for (Future<?> f : running) f.get(duration.toMillis() + 120_000, TimeUnit.MILLISECONDS);
    return new Tally(ok.sum(), failed.sum(), JvmMeter.read().since(start));
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
