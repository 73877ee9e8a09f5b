package dev.silentrefresh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.Profile;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo}: every dialect × client, live, with a login that ends mid-run. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Starts the reference auth server for each dialect, signs in, and runs virtual users calling its API "
            + "through each client while access tokens expire every few seconds. At 30 %% of each run the server "
            + "expires every access token at once: one refresh absorbs the burst of rejections. At 60 %% the login "
            + "itself ends and the access tokens expire again: the refresh meets a dead refresh token, a "
            + "login handler signs in again, and the waiting requests resume. A run goes on past its duration "
            + "until all of this has happened (on a busy machine it takes longer).",
        "Exit code 0 when every request succeeded, 1 otherwise.",
        "",
        "With --fleet N --redis URI, the fleet demo: N processes (child JVMs of this one) share one session in Redis. "
            + "For each dialect and client, the server (rotation, reuse detection, no grace window, tokens that outlive "
            + "the run) signs the demo user in once into a fresh Redis key, each process runs --users virtual users "
            + "through its own session on its own store, and the server expires the access tokens --expiries times. "
            + "The next expiry comes once every process got a request through with the new tokens (paced by events, "
            + "not the clock), so --duration and --access-ttl do not apply. Each expiry should cost one refresh call, "
            + "made by whichever process noticed first; the others adopt its tokens from Redis. A fleet run uses the "
            + "jdk client unless --client says otherwise, and each dialect in turn unless --dialect does. It prints "
            + "each process's figures (refreshes it made and adopted, latency) and the server's, and exits 0 only when "
            + "every request succeeded, every run had one refresh call per expiry and no refresh token was reused."})
final class DemoCommand implements Callable<Integer> {
  static final int TOTAL_SECONDS = 20;

  @CommandLine.ParentCommand
  Main parent;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--dialect", paramLabel = "NAME", defaultValue = "all",
      description = "oauth2, put-bearer, code-1002, code-50014, code-401 or all (default: ${DEFAULT-VALUE})")
  String dialect;

  @Option(names = "--client", paramLabel = "NAME",
      description = "HTTP client adapter: jdk, okhttp, restclient, resttemplate, webclient, or all "
          + "(default: all; with --fleet: jdk)")
  String client;

  @Option(names = "--users", paramLabel = "N", defaultValue = "50",
      description = "virtual users per run; with --fleet, per process (default: ${DEFAULT-VALUE})")
  int users;

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "length of each run; the clients of a dialect run at the same time (default: "
          + TOTAL_SECONDS + " s shared by the dialects, at least 4 s each)")
  Double duration;

  @Option(names = "--access-ttl", paramLabel = "SECONDS",
      description = "access token lifetime (default: " + DEFAULT_ACCESS_TTL + " s, or ten times the slowest "
          + "round trip seen in the warm-up when this machine is slower than that)")
  Integer accessTtl;

  static final int DEFAULT_ACCESS_TTL = 2;

  @Option(names = "--json", paramLabel = "FILE", description = "write the results as JSON")
  Path json;

  @Option(names = "--report", paramLabel = "FILE.html", description = "write a self-contained HTML report with a timeline per run")
  Path report;

  @Option(names = "--fleet", paramLabel = "N",
      description = "run the fleet demo: N processes (1 to " + MAX_FLEET + ") share one session in Redis; needs --redis")
  Integer fleet;

  static final int MAX_FLEET = 32;

  @Option(names = "--redis", paramLabel = "URI",
      description = "the Redis the fleet shares, e.g. redis://127.0.0.1:6379 (only with --fleet)")
  String redis;

  @Option(names = "--expiries", paramLabel = "N",
      description = "with --fleet: how many times the server expires the access tokens in each run (default: "
          + DEFAULT_EXPIRIES + ")")
  Integer expiries;

  static final int DEFAULT_EXPIRIES = 10;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    if (fleet != null || redis != null) return fleet(cl);
    if (expiries != null) throw new CommandLine.ParameterException(cl, "--expiries needs --fleet N --redis URI");
    List<Profile> profiles = Options.dialects(cl, dialect, true);
    List<Clients> clients = Options.clients(cl, client == null ? "all" : client, true);
    Options.positive(cl, "--users", users, 10_000);
    if (accessTtl != null) Options.positive(cl, "--access-ttl", accessTtl, 86_400);
    int runs = profiles.size() * clients.size();
    // The clients of one dialect run at the same time, each against its own server; dialects run in turn.
    double seconds = duration != null ? Options.positive(cl, "--duration", duration, 3600)
        : Math.max(4, (double) TOTAL_SECONDS / profiles.size());
    Duration perRun = Duration.ofMillis(Math.round(seconds * 1000));
    PrintWriter out = cl.getOut();
    Progress progress = new Progress(out, parent != null && parent.live);

    List<RunSummary> summaries = new ArrayList<>();
    List<Timeline> timelines = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    try {
      // A cold JVM answers slowly at first; the measured runs should show the library, not the JIT.
      List<Future<Duration>> warming = new ArrayList<>();
      Duration warmUp = Duration.ofSeconds(3);
      for (Clients kind : clients) warming.add(pool.submit(() -> DemoRun.warmUp(kind, warmUp)));
      Duration slowest = Duration.ZERO;
      for (Future<Duration> w : warming) {
        Duration latency = get(w);
        if (latency.compareTo(slowest) > 0) slowest = latency;
      }
      // A token that expires on its way cannot be helped by any client: on a slow machine tokens live longer.
      Duration ttl = accessTtl != null ? Duration.ofSeconds(accessTtl)
          : DemoRun.accessTtlFor(slowest, Duration.ofSeconds(DEFAULT_ACCESS_TTL));
      out.printf("Silent Refresh demo: %d run%s of %.1f s (%s at a time), %d virtual users each, access tokens live %d s%s, "
          + "each login ends mid-run.%n", runs, runs == 1 ? "" : "s", seconds,
          clients.size() == 1 ? "one" : clients.size(), users, ttl.toSeconds(),
          accessTtl == null && ttl.toSeconds() > DEFAULT_ACCESS_TTL
              ? " (raised from " + DEFAULT_ACCESS_TTL + " s: the slowest warm-up round trip took " + slowest.toMillis() + " ms)"
              : "");
      for (Profile profile : profiles) {
        progress.start();
        List<Future<DemoRun.Result>> running = new ArrayList<>();
        for (Clients kind : clients) {
          DemoRun.Options options = new DemoRun.Options(profile, kind, users, perRun,
              ttl, Duration.ofSeconds(30), bucketMillis(perRun));
          running.add(pool.submit(() -> DemoRun.run(options, progress::update)));
        }
        for (Future<DemoRun.Result> f : running) {
          DemoRun.Result result = get(f);
          progress.done(result.summary());
          for (Map.Entry<String, Long> reason : result.failureReasons().entrySet()) {
            out.printf("    failed %d×: %s%n", reason.getValue(), reason.getKey());
          }
          summaries.add(result.summary());
          timelines.add(result.timeline());
        }
      }
    } finally {
      pool.shutdownNow();
    }
    out.println();
    ResultTable.print(out, summaries);

    if (json != null) {
      writeJson(json, Map.of("runs", summaries));
      out.println("wrote " + json);
    }
    if (report != null) {
      HtmlReport.write(report, "Silent Refresh demo", summaries, timelines);
      out.println("wrote " + report);
    }
    long failed = summaries.stream().mapToLong(RunSummary::failed).sum();
    out.println(failed == 0 ? "All requests succeeded." : failed + " requests failed.");
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  /** {@code --fleet N --redis URI}: checks the options (usage errors exit 2), then runs {@link FleetDemo}. */
  private int fleet(CommandLine cl) throws Exception {
    String uri = Options.fleetRedis(cl, fleet, redis, MAX_FLEET, "N");
    String notForFleet = duration != null ? "--duration" : accessTtl != null ? "--access-ttl" : null;
    if (notForFleet != null) {
      throw new CommandLine.ParameterException(cl, notForFleet + " does not apply to --fleet: its runs are paced by "
          + "expiries (--expiries), and its tokens outlive them");
    }
    int rounds = expiries == null ? DEFAULT_EXPIRIES : Options.positive(cl, "--expiries", expiries, 1000);
    List<Profile> profiles = Options.dialects(cl, dialect, true);
    List<Clients> clients = Options.clients(cl, client == null ? "jdk" : client, true);
    Options.positive(cl, "--users", users, 1000);
    PrintWriter out = cl.getOut();
    return FleetDemo.run(new FleetDemo.Settings(profiles, clients, fleet, users, rounds, uri, json, report, null), out,
        new Progress(out, parent != null && parent.live));
  }

  private static <T> T get(Future<T> f) throws Exception {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }

  private static long bucketMillis(Duration run) {
    long millis = run.toMillis();
    return millis <= 20_000 ? 100 : millis <= 120_000 ? 500 : 2_000;
  }

  static void writeJson(Path file, Object value) throws java.io.IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), value);
  }
}
