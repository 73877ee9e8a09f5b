package dev.silentrefresh.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The harness, as {@code bench/run [--quick]} starts it: runs the scenarios in turn (one at a time: the machine has
 * two cores), writes {@code latest.json} and the SVG charts to the results folder, and the generated section of
 * docs/BENCHMARKS.md. {@code --report-only} redraws the charts and the section from an existing latest.json.
 */
public final class Bench {
  static final List<String> SCENARIOS = List.of("sendpath", "overhead", "herd", "steady", "fleet", "peers");

  private Bench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    Settings settings = options.containsKey("quick") ? Settings.QUICK : Settings.FULL;
    Path resultsDir = Path.of(options.getOrDefault("results", "bench/results"));
    Path doc = Path.of(options.getOrDefault("docs", "docs/BENCHMARKS.md"));
    Path work = Path.of(options.getOrDefault("work", "silent-refresh-bench/target/bench-work"));
    Files.createDirectories(resultsDir);
    Files.createDirectories(work);
    Path latest = resultsDir.resolve("latest.json");
    Map<String, Object> results = options.containsKey("report-only") ? Json.read(latest)
        : run(settings, options, work, new Progress(System.err));
    if (!options.containsKey("report-only")) Json.write(latest, results);
    for (String problem : LatestJson.problems(results)) System.err.println("latest.json: " + problem);
    Map<String, String> charts = Charts.write(results, resultsDir);
    MarkdownReport.update(doc, results, charts, relative(doc, resultsDir));
    System.err.println("wrote " + (options.containsKey("report-only") ? "" : latest + ", ") + charts.size()
        + " charts and " + doc);
  }

  static Map<String, Object> run(Settings settings, Map<String, String> options, Path work, Progress progress)
      throws Exception {
    Set<String> only = options.containsKey("only")
        ? new LinkedHashSet<>(Arrays.asList(options.get("only").split(","))) : new LinkedHashSet<>(SCENARIOS);
    for (String s : only) {
      if (!SCENARIOS.contains(s)) throw new IllegalArgumentException("unknown scenario " + s + "; one of " + SCENARIOS);
    }
    long start = System.nanoTime();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("command", options.getOrDefault("command", "bench/run" + (settings == Settings.QUICK ? " --quick" : "")));
    r.put("settings", settings.name());
    Map<String, Object> machine = Machine.describe();
    r.put("machine", machine);
    if (only.contains("sendpath")) r.put("sendPath", SendPathScenario.run(settings, work, progress));
    if (only.contains("overhead")) {
      List<OverheadScenario.Result> overhead = OverheadScenario.run(settings, progress);
      r.put("overhead", OverheadScenario.ratios(overhead));
      r.put("overheadDetails", overhead);
    }
    if (only.contains("herd")) {
      r.put("herd", HerdScenario.run(settings, System.getProperty("java.class.path"), work, progress));
    }
    if (only.contains("steady")) {
      Map<String, Object> steady = new LinkedHashMap<>();
      SteadyScenario.run(settings, progress).forEach((mode, runs) -> steady.put(mode, SteadyScenario.summary(runs)));
      r.put("steady", steady);
    }
    if (only.contains("fleet")) {
      r.put("fleet", FleetScenario.run(settings, Path.of(options.getOrDefault("cli-jar",
          "silent-refresh-cli/target/silent-refresh.jar")), options.getOrDefault("redis-server", "redis-server"),
          work, progress));
    }
    if (only.contains("peers")) {
      String spring6 = options.get("spring6-classpath");
      Map<String, Object> peers = PeerRunner.run(settings, spring6 == null ? null : Path.of(spring6), work, progress);
      r.put("peers", peers.get("rows"));
      r.put("peerNotes", peers.get("notes"));
    }
    machine.put("loadAverageAtEnd", Machine.loadAverage());
    r.put("finishedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    r.put("elapsedSeconds", Math.round((System.nanoTime() - start) / 1e9));
    Map<String, Object> tree = Json.tree(r);
    tree.put("targets", Targets.check(tree));
    return Json.tree(tree);
  }

  /** {@code --name value} pairs; {@code --quick} and {@code --report-only} stand alone. */
  static Map<String, String> options(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
      String name = a.substring(2);
      if (name.equals("quick") || name.equals("report-only")) {
        m.put(name, "true");
      } else if (i + 1 < args.length) {
        m.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException(a + " needs a value");
      }
    }
    return m;
  }

  /** The results folder as the doc links to it ({@code ../bench/results/}). */
  static String relative(Path doc, Path resultsDir) {
    Path from = doc.toAbsolutePath().normalize().getParent();
    String rel = from.relativize(resultsDir.toAbsolutePath().normalize()).toString().replace('\\', '/');
    return rel.isEmpty() ? "" : rel + "/";
  }
}
