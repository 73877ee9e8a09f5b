package dev.silentrefresh.bench;

import java.time.Duration;
import java.util.List;

/**
 * How long and how wide each scenario runs: {@link #QUICK} ({@code bench/run --quick}, under five minutes on two
 * cores) or {@link #FULL}.
 *
 * @param rounds interleaved A/B rounds per comparison (raw client, then the library; the order alternates)
 * @param round one side of one round
 * @param workers threads sending at once in the throughput and steady-state scenarios
 * @param herdSizes the herd sizes every client runs
 * @param asyncHerdSizes the herd sizes only the non-blocking clients (jdk {@code sendAsync}, WebClient) run
 * @param steady one steady-state run (2-second access tokens)
 * @param steadyRuns steady-state runs per mode (proactive, reactive), interleaved
 * @param fleetExpiries how many times the server expires the fleet's tokens
 * @param fleetUsers virtual users per fleet process
 * @param peerHerdSizes the herd sizes the peers run (a thread per request: they block)
 * @param peerSteady one peer steady-state run
 * @param jmhIterations JMH measurement iterations (warm-up: one iteration fewer, at least one)
 * @param jmhIteration one JMH iteration
 */
record Settings(String name, int rounds, Duration round, int workers, List<Integer> herdSizes,
    List<Integer> asyncHerdSizes, Duration steady, int steadyRuns, int fleetExpiries, int fleetUsers,
    List<Integer> peerHerdSizes, Duration peerSteady, int jmhIterations, Duration jmhIteration) {

  /** The 2-second access lifetime of the steady-state scenarios. */
  static final Duration STEADY_ACCESS_TTL = Duration.ofSeconds(2);

  static final Settings QUICK = new Settings("quick", 3, Duration.ofMillis(500), 4, List.of(1, 100, 1_000),
      List.of(10_000), Duration.ofSeconds(8), 1, 3, 10, List.of(100), Duration.ofSeconds(4), 2,
      Duration.ofMillis(500));

  static final Settings FULL = new Settings("full", 7, Duration.ofSeconds(3), 4, List.of(1, 100, 1_000),
      List.of(10_000), Duration.ofSeconds(60), 3, 20, 50, List.of(100, 1_000), Duration.ofSeconds(20), 5,
      Duration.ofSeconds(2));
}
