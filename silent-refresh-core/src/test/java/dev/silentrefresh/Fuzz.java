package dev.silentrefresh;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a property over many seeded random tries: a small property-based test harness on plain JUnit
 * Jupiter. Each try gets its own {@link SplittableRandom}, made from the base seed and the try's number,
 * so any failing try can be run again alone. A try runs on a worker thread (a normal-sized stack) with a
 * deadline, so a {@link StackOverflowError}, an {@link OutOfMemoryError} or a hang fails the property
 * like any assertion.
 *
 * <p>System properties (see {@code docs/FUZZING.md}):
 * <ul>
 *   <li>{@code fuzz.tries} — tries per property, instead of each property's short default;
 *   <li>{@code fuzz.seconds} — a time budget per property: tries go on until it is spent;
 *   <li>{@code fuzz.seed} — the base seed (a number, or {@code random}); default fixed, so the build is repeatable;
 *   <li>{@code fuzz.try} — run only this try (with {@code fuzz.seed}, to replay a failure).
 * </ul>
 * Every property prints one line when it ends: its name, tries, time and seed.
 */
final class Fuzz {
  /** The default base seed: the short run in every build checks the same inputs. */
  private static final long DEFAULT_SEED = 0x5EED_F022L;
  /** A single try taking longer than this is a hang (generous: the build machine is busy). */
  private static final long TRY_DEADLINE_SECONDS = 60;

  /** One try of a property. */
  @FunctionalInterface
  interface Property {
    void check(Try t) throws Exception;
  }

  /** What a try draws its input from, and what it noted about that input for the failure report. */
  static final class Try {
    final SplittableRandom random;
    private final Map<String, Object> notes = new LinkedHashMap<>();

    Try(SplittableRandom random) {
      this.random = random;
    }

    /** Remembers what was generated, shown (shortened) only when the try fails. */
    void note(String label, Object value) {
      notes.put(label, value);
    }
  }

  private Fuzz() {}

  /**
   * Checks {@code property} over {@code shortTries} tries (or what the system properties ask).
   *
   * @throws AssertionError naming the property, the try, the seed to replay it and the try's notes
   */
  static void check(String name, int shortTries, Property property) {
    long seed = seed();
    Integer only = Integer.getInteger("fuzz.try");
    int tries = Integer.getInteger("fuzz.tries", shortTries);
    long budgetNanos = TimeUnit.SECONDS.toNanos(Long.getLong("fuzz.seconds", 0L));
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "fuzz-" + name);
      t.setDaemon(true); // a hung try must not keep the JVM alive
      return t;
    });
    long start = System.nanoTime();
    int done = 0;
    try {
      for (int i = only != null ? only : 0; ; i++) {
        if (only != null ? i > only : budgetNanos > 0 ? System.nanoTime() - start >= budgetNanos : i >= tries) break;
        runOne(name, seed, i, property, worker);
        done++;
      }
    } finally {
      worker.shutdownNow();
    }
    System.out.printf("fuzz %s: %d tries in %d ms, seed %d, passed%n",
        name, done, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), seed);
  }

  private static void runOne(String name, long seed, int i, Property property, ExecutorService worker) {
    Try t = new Try(new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (i + 1))));
    Future<?> run = worker.submit(() -> {
      property.check(t);
      return null;
    });
    Throwable failure;
    try {
      run.get(TRY_DEADLINE_SECONDS, TimeUnit.SECONDS);
      return;
    } catch (ExecutionException e) {
      failure = e.getCause();
    } catch (TimeoutException e) {
      run.cancel(true);
      failure = new AssertionError("the try did not end within " + TRY_DEADLINE_SECONDS + " s (a hang)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = e;
    }
    StringBuilder report = new StringBuilder()
        .append("property '").append(name).append("' failed at try ").append(i)
        .append(" (replay: -Dfuzz.seed=").append(seed).append(" -Dfuzz.try=").append(i).append("): ")
        .append(failure);
    t.notes.forEach((label, value) -> report.append("\n  ").append(label).append(" = ").append(HostileInput.show(value)));
    throw new AssertionError(report.toString(), failure);
  }

  private static long seed() {
    String s = System.getProperty("fuzz.seed");
    if (s == null || s.isEmpty()) return DEFAULT_SEED;
    if (s.equals("random")) return new java.security.SecureRandom().nextLong();
    return Long.parseLong(s);
  }
}
