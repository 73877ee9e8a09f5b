package dev.silentrefresh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Counters;
import dev.silentrefresh.testkit.Profile;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * {@code demo --fleet N --redis URI}: N processes share one session in Redis while the server expires their access
 * token again and again; one refresh per expiry, whichever process notices first, and the others adopt it.
 *
 * <p>The processes (JVMs on this one's class path, see {@link Fleet}) are started once and serve every run. Per run
 * (a dialect and a client): a reference server with rotation, reuse detection and no grace window, whose access tokens
 * outlive the run, so that every expiry is one the server makes; a sign-in over HTTP written to a fresh Redis key,
 * removed afterwards; each process builds its own session on its own store and runs its virtual users. The expiries are
 * paced by events, not by the clock: the next comes once every process got a request through with the tokens that the
 * last one brought. A process that dies fails the command, naming it; none outlives this one.
 */
final class FleetDemo {
  /** Access and refresh tokens outlive any run: every refresh is one that an expiry made necessary. */
  static final Duration TOKEN_TTL = Duration.ofHours(1);
  /** For the processes' JVMs to start, on a busy machine. */
  static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /** For one step of a run (set-up, one expiry absorbed, stopping): longer than a session's refresh deadline. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);
  static final long BUCKET_MILLIS = 100;
  /** The session names of the demo's runs start with this, then a random UUID. */
  static final String SESSION_PREFIX = "silent-refresh-demo-fleet-";
  private static final ObjectMapper JSON = new ObjectMapper();

  record Settings(List<Profile> profiles, List<Clients> clients, int processes, int users, int expiries,
      String redis, @Nullable Path json, @Nullable Path report, @Nullable Soak soak) {}

  /**
   * A soak across the fleet ({@code soak --fleet}): refresh faults drawn per expiry as in {@link SoakRun}, the server's
   * grace window, and the nodes' sessions set as the soak's.
   */
  record Soak(double faultRate, long seed, Duration grace) {}

  /** One run's outcome; {@code problems} empty when it went right. */
  record Result(RunSummary summary, int expiries, long familiesRevoked, List<FleetProcess> processes,
      Map<String, Long> failureReasons, Timeline timeline, long elapsedMillis, List<String> problems,
      Map<String, Long> injectedFaults) {}

  private final Settings settings;
  private final PrintWriter out;
  private final Progress progress;
  private final AtomicReference<Fleet> fleet = new AtomicReference<>();
  private final AtomicReference<String> session = new AtomicReference<>();

  private FleetDemo(Settings settings, PrintWriter out, Progress progress) {
    this.settings = settings;
    this.out = out;
    this.progress = progress;
  }

  /** Runs the fleet demo; returns the exit code: 0 when every run went right, else 1. */
  static int run(Settings settings, PrintWriter out, Progress progress) throws Exception {
    return new FleetDemo(settings, out, progress).run();
  }

  /** Runs the fleet (a soak when the settings say so) and returns each run's result; prints progress only. */
  static List<Result> results(Settings settings, PrintWriter out, Progress progress) throws Exception {
    return new FleetDemo(settings, out, progress).runAll();
  }

  private int run() throws Exception {
    List<Result> results = runAll();
    report(results);
    List<String> problems = new ArrayList<>();
    for (Result r : results) {
      for (String p : r.problems()) problems.add(r.summary().dialect() + " · " + r.summary().client() + ": " + p);
    }
    if (problems.isEmpty()) {
      long refreshes = results.stream().mapToLong(r -> r.summary().refreshCalls()).sum();
      out.println("All requests succeeded; one refresh call per expiry (" + refreshes + " in all), no refresh token reused.");
    } else {
      out.println("FAILED:");
      for (String p : problems) out.println("  " + p);
    }
    out.flush();
    return problems.isEmpty() ? 0 : 1;
  }

  private List<Result> runAll() throws Exception {
    List<Result> results = new ArrayList<>();
    try (FleetRedis redis = FleetRedis.connect(settings.redis())) {
      int runs = settings.profiles().size() * settings.clients().size();
      Soak soak = settings.soak();
      out.printf("Silent Refresh fleet %s: %d run%s; in each, %d process%s × %d virtual user%s share one session in "
              + "Redis at %s, and the server expires the access tokens %d time%s (rotation, reuse detection, %s).%n",
          soak == null ? "demo" : "soak", runs, runs == 1 ? "" : "s", settings.processes(),
          settings.processes() == 1 ? "" : "es", settings.users(), settings.users() == 1 ? "" : "s", redis.address(),
          settings.expiries(), settings.expiries() == 1 ? "" : "s", soak == null ? "no grace"
              : String.format(java.util.Locale.ROOT, "a %d s grace window, %.0f %% of refresh tries faulted, seed %d",
                  soak.grace().toSeconds(), soak.faultRate() * 100, soak.seed()));
      out.flush();
      Thread hook = new Thread(() -> {
        Fleet f = fleet.get();
        if (f != null) f.destroyNow();
        String s = session.get();
        if (s != null) redis.delete(s);
      }, "fleet-demo-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        fleet.set(Fleet.start(settings.processes(), START_TIMEOUT));
        out.println("Started " + settings.processes() + " process" + (settings.processes() == 1 ? "" : "es") + " (pid "
            + fleet.get().members().stream().map(m -> Long.toString(m.pid())).collect(Collectors.joining(", ")) + ").");
        out.flush();
        for (Profile profile : settings.profiles()) {
          for (Clients kind : settings.clients()) {
            Result r = runOne(fleet.get(), redis, profile, kind);
            print(r);
            results.add(r);
          }
        }
      } finally {
        Fleet f = fleet.get();
        if (f != null) f.close();
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // the JVM is shutting down: the hook runs anyway
        }
      }
    }
    return results;
  }

  private void report(List<Result> results) throws java.io.IOException {
    out.println();
    List<String[]> rows = new ArrayList<>();
    for (Result r : results) {
      RunSummary s = r.summary();
      rows.add(new String[] {s.dialect(), s.client(), n(r.processes().size()), n(r.expiries()), n(s.requests()),
          n(s.succeeded()), n(s.failed()), n(s.rejectedReplies()), n(s.refreshCalls()), n(s.peakConcurrentRefreshes()),
          n(s.reuseDetected()), n(r.familiesRevoked())});
    }
    ResultTable.print(out, "", new String[] {"dialect", "client", "processes", "expiries", "requests", "succeeded",
        "failed", "rejected", "refreshes", "peak refreshes", "reuse", "revoked"}, rows, 2);

    if (settings.json() != null) {
      List<Map<String, Object>> runs = new ArrayList<>();
      for (Result r : results) runs.add(json(r));
      DemoCommand.writeJson(settings.json(), Map.of("runs", runs));
      out.println("wrote " + settings.json());
    }
    if (settings.report() != null) {
      HtmlReport.write(settings.report(), "Silent Refresh fleet demo",
          results.stream().map(Result::summary).toList(), results.stream().map(Result::timeline).toList());
      out.println("wrote " + settings.report());
    }
  }

  /** A run's JSON: the demo's fields, then {@code expiries}, {@code familiesRevoked} and {@code processes}. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> json(Result r) {
    Map<String, Object> run = new LinkedHashMap<>(JSON.convertValue(r.summary(), LinkedHashMap.class));
    run.put("expiries", r.expiries());
    run.put("familiesRevoked", r.familiesRevoked());
    run.put("processes", r.processes());
    return run;
  }

  private Result runOne(Fleet fleet, FleetRedis redis, Profile profile, Clients kind) throws Exception {
    String name = profile.id() + " \u00b7 " + kind.id();
    String key = SESSION_PREFIX + UUID.randomUUID();
    List<String> problems = new ArrayList<>();
    try (AuthServer server = AuthServer.builder(profile)
        .accessTtl(TOKEN_TTL)
        .refreshTtl(TOKEN_TTL)
        .rotation(true)
        .reuseDetection(true)
        .grace(settings.soak() == null ? Duration.ZERO : settings.soak().grace())
        .start()) {
      session.set(key);
      redis.signIn(key, new DemoLogin(server, HttpClient.newHttpClient(), t -> {}).tokens());
      List<FleetNodeCommand.RunSpec> specs = new ArrayList<>();
      for (Fleet.Member m : fleet.members()) {
        specs.add(new FleetNodeCommand.RunSpec(m.number, settings.redis(), key, profile.id(),
            server.refreshUri().toString(), server.clientId(), server.clientCredential(),
            server.apiUri("/api/me").toString(), kind.id(), settings.users(), settings.soak() != null));
      }
      fleet.startRun(specs, STEP_TIMEOUT);
      progress.start();
      Recording rec = new Recording(fleet, server.counters(), name);
      fleet.go(rec.startEpochMillis);

      // every process gets a request through with the signed-in tokens: the count of new tokens each has now
      int[] baseline = new int[fleet.members().size()];
      String lagging = awaitAll(fleet, rec, m -> m.settled >= 0, name, "before the first expiry");
      if (lagging != null) problems.add(lagging + " got no request through with the signed-in tokens within "
          + STEP_TIMEOUT.toSeconds() + " s");
      for (int i = 0; i < baseline.length; i++) baseline[i] = fleet.members().get(i).settled;

      int expiries = 0;
      List<Long> expiredAt = new ArrayList<>();
      Soak soak = settings.soak();
      java.util.Random random = soak == null ? null : new java.util.Random(soak.seed());
      Map<String, Long> injected = new java.util.TreeMap<>();
      while (problems.isEmpty() && expiries < settings.expiries()) {
        int e = ++expiries;
        FaultPlan plan = soak == null ? null
            : new FaultPlan(server.faults(), SoakRun.SERVER_HOLD, random, soak.faultRate(), server.counters().faultsInjected());
        server.expireAccessTokens();
        long at = rec.now();
        expiredAt.add(at);
        rec.markers.add(new Timeline.Marker(at, "expiry " + e));
        lagging = awaitAll(fleet, rec, m -> m.settled >= baseline[m.number - 1] + e, name,
            "at expiry " + e + " of " + settings.expiries());
        if (lagging != null) {
          problems.add("expiry " + e + " of " + settings.expiries() + ": " + lagging
              + " got no request through with new tokens within " + STEP_TIMEOUT.toSeconds() + " s");
        }
        if (plan != null) plan.count(server.counters().faultsInjected(), injected);
      }
      server.faults().clear();
      List<FleetProcess> processes = fleet.stopRun(STEP_TIMEOUT);
      rec.sample(true);
      long elapsed = rec.now();

      Counters c = server.counters();
      long requests = 0, succeeded = 0, failed = 0, loginRequired = 0;
      for (FleetProcess p : processes) {
        requests += p.requests();
        succeeded += p.succeeded();
        failed += p.failed();
        loginRequired += p.loginRequired();
      }
      RunSummary summary = new RunSummary(profile.id(), kind.id(), requests, succeeded, failed, c.rejectedRequests(),
          c.refreshCalls(), c.peakConcurrentRefreshes(), c.reuseDetected(), loginRequired, 0);
      Map<String, Long> reasons = new LinkedHashMap<>();
      for (Fleet.Member m : fleet.members()) {
        synchronized (m.failureReasons) {
          m.failureReasons.forEach((k, v) -> reasons.merge(k, v, Long::sum));
        }
      }
      if (soak != null) { // failed requests are expected where faults outlasted a refresh's tries, and only there
        reasons.forEach((reason, count) -> {
          if (!reason.startsWith("refresh failed: ")) problems.add(count + " requests failed with " + reason);
        });
        long lost = processes.stream().mapToLong(FleetProcess::loginRequired).sum();
        if (lost > 0) problems.add(lost + " session" + (lost == 1 ? "" : "s") + " lost");
        long hung = processes.stream().mapToLong(FleetProcess::hung).sum();
        if (hung > 0) problems.add(hung + " request" + (hung == 1 ? "" : "s") + " hung (over " + SoakRun.HUNG.toSeconds() + " s)");
      } else if (failed > 0) {
        problems.add(failed + " request" + (failed == 1 ? "" : "s") + " failed");
      }
      if (soak == null && c.refreshCalls() != expiries) {
        problems.add(c.refreshCalls() + " refresh call" + (c.refreshCalls() == 1 ? "" : "s") + " for " + expiries
            + " expir" + (expiries == 1 ? "y" : "ies") + " (one each is right)");
      }
      if (c.reuseDetected() > 0) problems.add(c.reuseDetected() + " spent refresh token(s) presented again (reuse detected)");
      if (c.familiesRevoked() > 0) problems.add(c.familiesRevoked() + " token famil" + (c.familiesRevoked() == 1 ? "y" : "ies") + " revoked");

      Timeline timeline = new Timeline(profile.id(), kind.id(), elapsed, BUCKET_MILLIS, rec.samples,
          bands(fleet, expiredAt, elapsed), rec.markers, lanes(fleet));
      return new Result(summary, expiries, c.familiesRevoked(), processes, reasons, timeline, elapsed, problems, injected);
    } finally {
      redis.delete(key);
      session.set(null);
    }
  }

  /**
   * Waits until {@code settled} holds for every process, sampling the timeline meanwhile. Returns null when it does,
   * else the name of a process for which it did not within {@link #STEP_TIMEOUT}.
   *
   * @throws Fleet.FleetException a process died
   */
  private static @Nullable String awaitAll(Fleet fleet, Recording rec, java.util.function.Predicate<Fleet.Member> settled,
      String run, String when) throws Exception {
    long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
    BooleanSupplier all = () -> fleet.members().stream().allMatch(settled);
    for (;;) {
      long seen = fleet.changes();
      Fleet.Member gone = fleet.firstGone();
      if (gone != null) throw new Fleet.FleetException(gone.death("during the run " + run + ", " + when));
      rec.sample(false);
      if (all.getAsBoolean()) return null;
      long now = System.nanoTime();
      if (now >= deadline) {
        return fleet.members().stream().filter(settled.negate()).map(Fleet.Member::name).findFirst().orElse("a process");
      }
      fleet.awaitChange(seen, Math.min(deadline, rec.nextSampleNanos) - now);
    }
  }

  /**
   * The life of each generation of tokens: from the first new tokens after an expiry (the sign-in, for the first) to
   * the next expiry (the end of the run, for the last).
   */
  private static List<Timeline.Band> bands(Fleet fleet, List<Long> expiredAt, long end) {
    List<Long> ticks = fleet.members().stream().flatMap(m -> m.ticks.stream()).map(Timeline.Tick::atMillis).sorted()
        .toList();
    List<Timeline.Band> bands = new ArrayList<>();
    long from = 0;
    for (int i = 0; i <= expiredAt.size(); i++) {
      long to = i < expiredAt.size() ? expiredAt.get(i) : end;
      if (to > from) bands.add(new Timeline.Band(from, to));
      if (i < expiredAt.size()) {
        long expired = expiredAt.get(i);
        from = ticks.stream().filter(t -> t >= expired).findFirst().orElse(end);
      }
    }
    return bands;
  }

  private static List<Timeline.Lane> lanes(Fleet fleet) {
    List<Timeline.Lane> lanes = new ArrayList<>();
    for (Fleet.Member m : fleet.members()) {
      List<Timeline.Tick> ticks = new ArrayList<>(m.ticks);
      ticks.sort(Comparator.comparingLong(Timeline.Tick::atMillis));
      lanes.add(new Timeline.Lane("process " + m.number, ticks));
    }
    return lanes;
  }

  private void print(Result r) {
    RunSummary s = r.summary();
    progress.println(String.format(Locale.ROOT, "  %s · %s: %d expir%s, %d refresh call%s, %d reuse detected, %d famil%s "
            + "revoked, peak %d concurrent refresh%s, %d rejected replies, %.1f s",
        s.dialect(), s.client(), r.expiries(), r.expiries() == 1 ? "y" : "ies", s.refreshCalls(),
        s.refreshCalls() == 1 ? "" : "s", s.reuseDetected(), r.familiesRevoked(), r.familiesRevoked() == 1 ? "y" : "ies",
        s.peakConcurrentRefreshes(), s.peakConcurrentRefreshes() == 1 ? "" : "es", s.rejectedReplies(),
        r.elapsedMillis() / 1000.0));
    List<String[]> rows = new ArrayList<>();
    long refreshed = 0, adopted = 0, replays = 0;
    for (FleetProcess p : r.processes()) {
      rows.add(new String[] {n(p.process()), n(p.pid()), n(p.requests()), n(p.succeeded()), n(p.failed()),
          n(p.refreshed()), n(p.adopted()), n(p.replays()), n(p.p50Millis()), n(p.p99Millis())});
      refreshed += p.refreshed();
      adopted += p.adopted();
      replays += p.replays();
    }
    rows.add(new String[] {"total", "", n(s.requests()), n(s.succeeded()), n(s.failed()), n(refreshed), n(adopted),
        n(replays), "", ""});
    ResultTable.print(out, "    ", new String[] {"process", "pid", "requests", "succeeded", "failed", "refreshed",
        "adopted", "replays", "p50 ms", "p99 ms"}, rows, 1);
    for (Map.Entry<String, Long> reason : r.failureReasons().entrySet()) {
      out.printf("    failed %d×: %s%n", reason.getValue(), reason.getKey());
    }
    for (String p : r.problems()) out.println("    problem: " + p);
    out.flush();
  }

  private static String n(long v) {
    return Long.toString(v);
  }

  /** The run's timeline as it happens: a sample per bucket from the processes' figures and the server's counters. */
  private final class Recording {
    final long startNanos = System.nanoTime();
    final long startEpochMillis = System.currentTimeMillis();
    final List<Timeline.Sample> samples = new ArrayList<>();
    final List<Timeline.Marker> markers = new ArrayList<>();
    private final Fleet fleet;
    private final Counters counters;
    private final String name;
    private long[] last = new long[6]; // requests, rejected, refreshes, replays, failures, waiting
    long nextSampleNanos;

    Recording(Fleet fleet, Counters counters, String name) {
      this.fleet = fleet;
      this.counters = counters;
      this.name = name;
      this.nextSampleNanos = startNanos + BUCKET_MILLIS * 1_000_000;
    }

    long now() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** Takes the samples that are due, and at the {@code end} of the run the partial one that is not. */
    void sample(boolean end) {
      while (System.nanoTime() >= nextSampleNanos) take();
      if (end) take();
    }

    private void take() {
      long[] now = current();
      long at = (nextSampleNanos - startNanos) / 1_000_000 - BUCKET_MILLIS;
      samples.add(new Timeline.Sample(at, (int) (now[0] - last[0]), (int) (now[1] - last[1]),
          (int) (now[2] - last[2]), (int) (now[3] - last[3]), (int) (now[4] - last[4]), (int) now[5]));
      last = now;
      nextSampleNanos += BUCKET_MILLIS * 1_000_000;
      progress.update(new DemoRun.Progress(name + " \u00b7 " + fleet.members().size() + " processes",
          at + BUCKET_MILLIS, now[0], now[2], (int) now[5], now[4]));
    }

    private long[] current() {
      long requests = 0, replays = 0, failures = 0, waiting = 0;
      for (Fleet.Member m : fleet.members()) {
        long[] s = m.stats;
        requests += s[0];
        failures += s[2];
        replays += s[3];
        waiting += s[4];
      }
      return new long[] {requests, counters.rejectedRequests(), counters.refreshCalls(), replays, failures, waiting};
    }
  }
}
