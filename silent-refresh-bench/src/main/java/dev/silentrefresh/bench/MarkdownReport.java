package dev.silentrefresh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The generated part of docs/BENCHMARKS.md: a table per scenario and the charts, between two markers. Everything
 * outside the markers (what the figures mean, the gaps and their plans) is written by hand and kept as it is.
 */
final class MarkdownReport {
  static final String BEGIN = "<!-- bench/run: generated from bench/results/latest.json, begin -->";
  static final String END = "<!-- bench/run: generated, end -->";

  private MarkdownReport() {}

  /** Replaces the generated section of {@code doc} (appends one when it has none). */
  static void update(Path doc, Map<String, Object> results, Map<String, String> charts, String chartsFromDoc)
      throws IOException {
    String generated = BEGIN + "\n" + render(results, charts, chartsFromDoc) + END;
    String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n\n";
    int b = text.indexOf(BEGIN);
    int e = text.indexOf(END);
    String updated = b >= 0 && e > b ? text.substring(0, b) + generated + text.substring(e + END.length())
        : text + (text.endsWith("\n") ? "\n" : "\n\n") + generated + "\n";
    Files.createDirectories(doc.toAbsolutePath().getParent());
    Files.writeString(doc, updated);
  }

  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> r, Map<String, String> charts, String chartsFromDoc) {
    StringBuilder s = new StringBuilder();
    Map<String, Object> machine = (Map<String, Object>) r.getOrDefault("machine", Map.of());
    s.append("\n### Latest run\n\n");
    s.append("- When: ").append(r.get("finishedAt")).append(", ").append(r.get("elapsedSeconds")).append(" s\n");
    s.append("- Command: `").append(r.get("command")).append("` (settings `").append(r.get("settings"))
        .append("`)\n");
    s.append("- Machine: ").append(machine.get("cores")).append(" cores (").append(machine.get("cpu")).append("), ")
        .append(machine.get("memory")).append(", ").append(machine.get("jdk")).append(", ").append(machine.get("os"))
        .append("\n");
    s.append("- Load average (1 min) at start ").append(machine.get("loadAverageAtStart")).append(", at end ")
        .append(machine.get("loadAverageAtEnd")).append(": above the core count, other work was competing for the "
            + "CPUs. Read the ratios, not the absolute times.\n\n");

    s.append("#### Targets\n\n| target | figure | met |\n|---|---|---|\n");
    for (Map<String, Object> t : Json.rows(r, "targets")) {
      Object met = t.get("met");
      s.append("| ").append(t.get("target")).append(" | ").append(t.get("figure")).append(" | ")
          .append(met == null ? "not measured" : Boolean.TRUE.equals(met) ? "yes" : "**no**").append(" |\n");
    }

    s.append("\n#### Send path (JMH, `-prof gc`, one fork; median of the iterations)\n\n");
    s.append("| benchmark | threads | ns/op | min–max | B/op |\n|---|---:|---:|---|---:|\n");
    for (Map<String, Object> row : Json.rows(r, "sendPath")) {
      s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s–%s | %s |%n", row.get("benchmark"), row.get("threads"),
          row.get("nanosPerOp"), row.get("nanosMin"), row.get("nanosMax"), row.get("bytesPerOp")));
    }
    chart(s, charts, chartsFromDoc, "send-path.svg");

    s.append("\n#### Overhead: with the library vs the raw client (no expiry, same server, interleaved rounds)\n\n");
    s.append("| client | ratio (median) | min–max (rounds) | raw req/s | library req/s | CPU µs/req raw → library "
        + "| B/req raw → library | extra B/req | failed |\n|---|---:|---|---:|---:|---|---|---:|---:|\n");
    for (Map<String, Object> row : Json.rows(r, "overheadDetails")) {
      Map<String, Object> ratio = (Map<String, Object>) row.get("ratio");
      s.append(String.format(Locale.ROOT, "| %s | %s | %s–%s (%s) | %s | %s | %s → %s | %s → %s | %s | %s |%n",
          row.get("client"), ratio.get("median"), ratio.get("min"), ratio.get("max"), ratio.get("runs"),
          row.get("rawPerSecond"), row.get("libPerSecond"), row.get("rawCpuMicros"), row.get("libCpuMicros"),
          row.get("rawBytes"), row.get("libBytes"), row.get("extraBytes"), row.get("failed")));
    }
    s.append("\nCPU and allocation are the whole JVM's (the in-process server's included) divided by the requests: "
        + "the difference between the two columns is the library's share.\n");
    chart(s, charts, chartsFromDoc, "overhead.svg");

    s.append("\n#### Herd: N requests at once on an access token the server has just expired\n\n");
    s.append("| client | N | refresh calls | succeeded | failed | rejected round trips | plain p50 / p99 ms "
        + "| herd p50 / p99 ms | added p50 / p99 ms | threads added at the peak |\n"
        + "|---|---:|---:|---:|---:|---:|---|---|---|---:|\n");
    for (Map<String, Object> row : Json.rows(r, "herd")) {
      s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s / %s | %s / %s | %s / %s | %s |%n",
          row.get("client"), row.get("concurrency"), row.get("refreshCalls"), row.get("succeeded"),
          row.get("failed"), row.get("rejected"), row.get("plainP50Millis"), row.get("plainP99Millis"),
          row.get("p50Millis"), row.get("p99Millis"), row.get("addedP50Millis"), row.get("addedP99Millis"),
          row.get("extraThreads")));
    }
    chart(s, charts, chartsFromDoc, "herd.svg");

    s.append("\n#### Steady state: 2-second access tokens, workers sending back to back (jdk adapter)\n\n");
    s.append("| mode | runs | rejected round trips (median) | refresh calls (median) | token lifetimes "
        + "| refresh calls per lifetime, median (min–max) | failed | requests |\n|---|---:|---:|---:|---:|---|---:|---:|\n");
    Map<String, Object> steady = (Map<String, Object>) r.getOrDefault("steady", Map.of());
    for (String mode : SteadyScenario.MODES) {
      Map<String, Object> m = (Map<String, Object>) steady.get(mode);
      if (m == null) continue;
      Map<String, Object> per = (Map<String, Object>) m.get("refreshPerLifetime");
      s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s (%s–%s) | %s | %s |%n", mode, per.get("runs"),
          m.get("rejected"), m.get("refreshCalls"), m.get("lifetimes"), per.get("median"), per.get("min"),
          per.get("max"), m.get("failed"), m.get("requests")));
    }
    chart(s, charts, chartsFromDoc, "steady.svg");

    s.append("\n#### Fleet: processes sharing one session on Redis (the CLI's `demo --fleet`)\n\n");
    Map<String, Object> fleet = (Map<String, Object>) r.getOrDefault("fleet", Map.of());
    if (fleet.containsKey("skipped")) {
      s.append("Not run: ").append(fleet.get("skipped")).append("\n");
    } else if (!fleet.isEmpty()) {
      s.append("| processes | expiries | refresh calls | per expiry | requests | failed | reuse detected "
          + "| peak concurrent refreshes |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", fleet.get("processes"),
          fleet.get("expiries"), fleet.get("refreshCalls"), fleet.get("refreshPerExpiry"), fleet.get("requests"),
          fleet.get("failed"), fleet.get("reuseDetected"), fleet.get("peakConcurrentRefreshes")));
    }

    s.append("\n#### Peers: same harness, same server (oauth2, confidential client, rotation with reuse detection, "
        + "no grace)\n\n");
    s.append("| peer | scenario | N | refresh calls | per expiry / lifetime | failed | sessions lost | rejected round "
        + "trips | throughput ratio (min–max) | requests |\n|---|---|---:|---:|---:|---:|---:|---:|---|---:|\n");
    for (Map<String, Object> row : Json.rows(r, "peers")) {
      Object per = row.containsKey("refreshPerExpiry") ? row.get("refreshPerExpiry") : row.get("refreshPerLifetime");
      Map<String, Object> ratio = (Map<String, Object>) row.get("throughputRatio");
      s.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", row.get("name"),
          row.get("scenario"), row.getOrDefault("concurrency", ""), row.get("refreshCalls"), per == null ? "" : per,
          row.get("failed"), row.get("sessionsLost"), row.get("rejected"),
          ratio == null ? "" : ratio.get("median") + " (" + ratio.get("min") + "–" + ratio.get("max") + ")",
          row.get("requests")));
    }
    Map<String, Object> notes = (Map<String, Object>) r.getOrDefault("peerNotes", Map.of());
    if (!notes.isEmpty()) {
      s.append("\n");
      notes.forEach((peer, note) -> s.append("- ").append(peer).append(": ").append(note).append("\n"));
    }
    chart(s, charts, chartsFromDoc, "peers-herd.svg");
    s.append("\n");
    return s.toString();
  }

  private static void chart(StringBuilder s, Map<String, String> charts, String fromDoc, String file) {
    if (charts.containsKey(file)) s.append("\n![").append(charts.get(file)).append("](").append(fromDoc).append(file)
        .append(")\n");
  }
}
