package dev.silentrefresh.cli;

import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.Profile;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code soak}: sessions through thousands of expiries with refresh faults of every kind injected, against the
 * embedded reference server (rotation, reuse detection, a grace window). Prints a live progress line and the figures;
 * exit 0 when no session was lost, no reuse detected, no request hung and every failed request failed because
 * faults outlasted the refresh's retries; 1 otherwise.
 */
@Command(name = "soak", mixinStandardHelpOptions = true,
    description = "Soak test: sessions through many expiries with refresh faults of every kind injected; proves no"
        + " session is lost, no refresh token is reused and no request hangs.")
final class SoakCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.ParentCommand
  Main parent;

  @Option(names = "--expiries", paramLabel = "N", defaultValue = "10000",
      description = "how many times the server expires the access tokens, per run (default: ${DEFAULT-VALUE})")
  int expiries;

  @Option(names = "--faults", paramLabel = "RATE", defaultValue = "0.1",
      description = "the chance that a refresh try meets an injected fault, 0 to 1 (default: ${DEFAULT-VALUE})")
  double faults;

  @Option(names = "--client", paramLabel = "NAME", defaultValue = "jdk",
      description = "HTTP client adapter: jdk, okhttp, restclient, resttemplate, webclient, or all, one run each"
          + " (default: ${DEFAULT-VALUE})")
  String client;

  @Option(names = "--dialect", paramLabel = "NAME", defaultValue = "oauth2",
      description = "backend convention: oauth2, put-bearer, code-1002, code-50014, code-401, or all"
          + " (default: ${DEFAULT-VALUE})")
  String dialect;

  @Option(names = "--users", paramLabel = "N", defaultValue = "20",
      description = "virtual users calling the API at once, per run (default: ${DEFAULT-VALUE})")
  int users;

  @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "60",
      description = "the server's grace window for a rotated refresh token; 0 shows what a lost refresh reply costs"
          + " a server without one (default: ${DEFAULT-VALUE})")
  int grace;

  @Option(names = "--fleet", paramLabel = "P",
      description = "P processes (1 to " + DemoCommand.MAX_FLEET + ") share each run's session in Redis; needs --redis")
  Integer fleet;

  @Option(names = "--redis", paramLabel = "URI",
      description = "the Redis the fleet shares, e.g. redis://127.0.0.1:6379 (only with --fleet)")
  String redis;

  @Option(names = "--seed", paramLabel = "N", description = "seed of the fault draw, to repeat a run (default: random)")
  Long seed;

  @Option(names = "--json", paramLabel = "FILE", description = "write the figures as JSON")
  Path json;

  @Option(names = "--report", paramLabel = "FILE.html", description = "write a self-contained HTML report")
  Path report;

  static final int MAX_EXPIRIES = 1_000_000;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    Options.positive(cl, "--expiries", expiries, MAX_EXPIRIES);
    if (!(faults >= 0 && faults <= 1)) {
      throw new CommandLine.ParameterException(cl, "--faults must be a rate from 0 to 1, not " + faults);
    }
    Options.positive(cl, "--users", users, 1000);
    if (grace < 0 || grace > 86_400) {
      throw new CommandLine.ParameterException(cl, "--grace must be from 0 to 86400 seconds, not " + grace);
    }
    List<Profile> profiles = Options.dialects(cl, dialect, true);
    List<Clients> clients = Options.clients(cl, client, true);
    long theSeed = seed != null ? seed : new java.util.Random().nextLong();
    PrintWriter out = cl.getOut();
    boolean live = parent != null && parent.live;
    if (fleet != null || redis != null) return fleet(cl, profiles, clients, theSeed, out, live);
    out.printf("Silent Refresh soak: %d run%s of %d expiries, %d virtual users, %.0f %% of refresh tries faulted"
            + " (%d kinds), rotation with reuse detection, a %d s grace window; seed %d.%n",
        profiles.size() * clients.size(), profiles.size() * clients.size() == 1 ? "" : "s", expiries, users,
        faults * 100, FaultPlan.KINDS.size(), grace, theSeed);
    out.flush();

    List<SoakRun.Result> results = new ArrayList<>();
    for (Profile profile : profiles) {
      for (Clients kind : clients) {
        SoakRun.Result r = SoakRun.run(new SoakRun.Options(profile, kind, users, expiries, faults, theSeed,
            java.time.Duration.ofSeconds(grace)), p -> progress(out, live, p));
        if (live) out.print("\r\033[K");
        print(out, r);
        results.add(r);
      }
    }
    return finish(results, out);
  }

  /** {@code --fleet P --redis URI}: each run's session shared by P processes, through {@link FleetDemo}. */
  private int fleet(CommandLine cl, List<Profile> profiles, List<Clients> clients, long theSeed, PrintWriter out,
      boolean live) throws Exception {
    String uri = Options.fleetRedis(cl, fleet, redis, DemoCommand.MAX_FLEET, "P");
    FleetDemo.Settings settings = new FleetDemo.Settings(profiles, clients, fleet, users, expiries, uri, null, null,
        new FleetDemo.Soak(faults, theSeed, java.time.Duration.ofSeconds(grace)));
    List<SoakRun.Result> results = new ArrayList<>();
    for (FleetDemo.Result f : FleetDemo.results(settings, out, new Progress(out, live))) {
      SoakRun.Result r = fromFleet(f);
      print(out, r);
      results.add(r);
    }
    return finish(results, out);
  }

  /** A fleet run as the soak reports it: the processes' figures added up (latencies: the slowest process's). */
  static SoakRun.Result fromFleet(FleetDemo.Result f) {
    List<FleetProcess> ps = f.processes();
    return new SoakRun.Result(f.summary().dialect(), f.summary().client() + " × " + ps.size() + " processes",
        f.expiries(), f.summary().refreshCalls(), ps.stream().mapToLong(FleetProcess::refreshesFailed).sum(),
        f.summary().requests(), f.summary().failed(), ps.stream().mapToLong(FleetProcess::loginRequired).sum(),
        f.summary().reuseDetected(), ps.stream().mapToLong(FleetProcess::hung).sum(), f.injectedFaults(),
        new TreeMap<>(f.failureReasons()), ps.stream().mapToLong(FleetProcess::p50Millis).max().orElse(0),
        ps.stream().mapToLong(FleetProcess::p99Millis).max().orElse(0), f.elapsedMillis(), f.problems());
  }

  private int finish(List<SoakRun.Result> results, PrintWriter out) throws java.io.IOException {
    Map<String, Object> figures = figures(results);
    if (json != null) {
      DemoCommand.writeJson(json, figures);
      out.println("wrote " + json);
    }
    if (report != null) {
      SoakReport.write(report, figures, results);
      out.println("wrote " + report);
    }
    List<String> problems = problems(results);
    out.println(problems.isEmpty()
        ? "No session lost, no reuse detected, no request hung; every failed request outlasted the refresh's retries."
        : "Problems: " + String.join("; ", problems));
    out.flush();
    return problems.isEmpty() ? 0 : 1;
  }

  private static void progress(PrintWriter out, boolean live, SoakRun.Progress p) {
    if (live) {
      out.printf("\r\033[K  %-24s expiry %d/%d  refresh calls %d  requests %d  failed %d  faults %d",
          p.run(), p.expiry(), p.expiries(), p.refreshCalls(), p.requests(), p.failed(), p.faults());
      out.flush();
    } else if (p.expiry() % Math.max(1, p.expiries() / 10) == 0 && p.expiry() < p.expiries()) {
      out.printf("  %-24s expiry %d/%d%n", p.run(), p.expiry(), p.expiries());
      out.flush();
    }
  }

  private static void print(PrintWriter out, SoakRun.Result r) {
    out.printf("  %-24s %d expiries, %d refresh calls (%d failed after every try), %d requests, %d failed,"
            + " %d sessions lost, %d reuse detected, %d hung, p99 %d ms, %.1f s%n", r.dialect() + " · " + r.client(),
        r.expiries(), r.refreshCalls(), r.refreshesFailed(), r.requests(), r.failed(), r.sessionsLost(),
        r.reuseDetected(), r.hung(), r.p99Millis(), r.elapsedMillis() / 1000.0);
    out.printf("    injected: %s%n", r.injectedFaults().isEmpty() ? "none" : r.injectedFaults());
    if (!r.failedBy().isEmpty()) out.printf("    failed by: %s%n", r.failedBy());
    for (String problem : r.problems()) out.printf("    problem: %s%n", problem);
    out.flush();
  }

  /** Failed requests are expected only when faults outlasted a refresh's retries: any other failure is a problem. */
  static List<String> problems(List<SoakRun.Result> results) {
    List<String> problems = new ArrayList<>();
    for (SoakRun.Result r : results) {
      String run = r.dialect() + " · " + r.client() + ": ";
      r.problems().forEach(p -> problems.add(run + p));
      r.failedBy().forEach((reason, count) -> {
        if (!reason.startsWith("refresh failed: ")) problems.add(run + count + " requests failed with " + reason);
      });
    }
    return problems;
  }

  /** The JSON: the totals at the top, then each run. */
  static Map<String, Object> figures(List<SoakRun.Result> results) {
    Map<String, Object> total = new LinkedHashMap<>();
    Map<String, Long> injected = new TreeMap<>();
    Map<String, Long> failedBy = new TreeMap<>();
    long expiries = 0, refreshCalls = 0, refreshesFailed = 0, requests = 0, failed = 0, lost = 0, reuse = 0, hung = 0;
    long p99 = 0;
    for (SoakRun.Result r : results) {
      expiries += r.expiries();
      refreshCalls += r.refreshCalls();
      refreshesFailed += r.refreshesFailed();
      requests += r.requests();
      failed += r.failed();
      lost += r.sessionsLost();
      reuse += r.reuseDetected();
      hung += r.hung();
      p99 = Math.max(p99, r.p99Millis());
      r.injectedFaults().forEach((k, v) -> injected.merge(k, v, Long::sum));
      r.failedBy().forEach((k, v) -> failedBy.merge(k, v, Long::sum));
    }
    total.put("expiries", expiries);
    total.put("refreshCalls", refreshCalls);
    total.put("refreshesFailed", refreshesFailed);
    total.put("requests", requests);
    total.put("failed", failed);
    total.put("sessionsLost", lost);
    total.put("reuseDetected", reuse);
    total.put("hung", hung);
    total.put("injectedFaults", injected);
    total.put("failedBy", failedBy);
    total.put("p99Millis", p99);
    total.put("problems", problems(results));
    total.put("runs", results);
    return total;
  }
}
