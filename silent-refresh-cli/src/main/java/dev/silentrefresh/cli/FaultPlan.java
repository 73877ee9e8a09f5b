package dev.silentrefresh.cli;

import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.FaultRule;
import dev.silentrefresh.testkit.Faults;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The faults of one soak expiry: each try of the refresh the expiry causes meets a fault with probability
 * {@code rate}, of a kind drawn at random, until a try is drawn clean (so the faults are always the first tries, which
 * is what a refresh meets). Drawn from a seeded {@link Random}, so a run can be repeated.
 *
 * <p>{@link Faults.Fault#LATENCY} is the one kind that does not end a try: it adds {@link #LATENCY} (well within the
 * refresh timeout) and lets the next rule decide the same try, so it is drawn on top of a try's fault and does not
 * count as a faulted try.
 */
final class FaultPlan {
  /** At most this many tries of one refresh are faulted, so that a run always moves on. */
  static final int MAX_PER_EXPIRY = 5;

  /** The faults a refresh can meet: every kind for the refresh endpoint. */
  static final List<Faults.Fault> KINDS = Arrays.stream(Faults.Fault.values())
      .filter(f -> f.appliesTo(Endpoint.REFRESH)).toList();
  /** What a LATENCY fault adds to a try. */
  static final java.time.Duration LATENCY = java.time.Duration.ofMillis(200);

  private final List<Faults.Fault> scheduled = new ArrayList<>();
  private int faultedTries;
  private final long injectedBefore;

  /** Clears {@code faults}, sets how long held replies are held, and schedules this expiry's faults on the refresh. */
  FaultPlan(Faults faults, java.time.Duration hold, Random random, double rate, long injectedSoFar) {
    faults.clear();
    faults.delay(hold);
    while (faultedTries < MAX_PER_EXPIRY && random.nextDouble() < rate) {
      Faults.Fault kind = KINDS.get(random.nextInt(KINDS.size()));
      FaultRule rule = FaultRule.next(Endpoint.REFRESH, kind, 1);
      faults.add(kind == Faults.Fault.LATENCY ? rule.withSetting(LATENCY) : rule);
      scheduled.add(kind);
      if (kind != Faults.Fault.LATENCY) faultedTries++;
    }
    this.injectedBefore = injectedSoFar;
  }

  /** How many of the refresh's tries were scheduled to fail (LATENCY only slows a try). */
  int faultedTries() {
    return faultedTries;
  }

  /** Adds the faults the server injected by now ({@code injectedNow}, its counter) to {@code injected}, by kind. */
  void count(long injectedNow, Map<String, Long> injected) {
    long consumed = Math.min(scheduled.size(), injectedNow - injectedBefore);
    for (int i = 0; i < consumed; i++) injected.merge(kindName(scheduled.get(i)), 1L, Long::sum);
  }

  @Override
  public String toString() {
    return scheduled.toString();
  }

  /** A fault kind as the JSON names it: {@code server_error}, {@code hang_after_commit}. */
  static String kindName(Faults.Fault kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
