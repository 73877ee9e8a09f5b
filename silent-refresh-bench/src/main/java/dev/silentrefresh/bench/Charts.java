package dev.silentrefresh.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SVG charts of a run, written next to latest.json: file name → title. */
final class Charts {
  private Charts() {}

  @SuppressWarnings("unchecked")
  static Map<String, String> write(Map<String, Object> results, Path dir) throws IOException {
    Map<String, String> written = new LinkedHashMap<>();
    List<SvgChart.Bar> bars = new ArrayList<>();
    for (Map<String, Object> r : Json.rows(results, "overheadDetails")) {
      Map<String, Object> ratio = (Map<String, Object>) r.get("ratio");
      bars.add(new SvgChart.Bar((String) r.get("client"), num(ratio.get("median")), num(ratio.get("min")),
          num(ratio.get("max"))));
    }
    chart(dir, "overhead.svg", "Throughput with the library / raw client (median, min–max of rounds)", "", bars,
        0.99, written);

    bars = new ArrayList<>();
    for (Map<String, Object> r : Json.rows(results, "herd")) {
      bars.add(SvgChart.Bar.of(r.get("client") + " × " + r.get("concurrency"), num(r.get("addedP99Millis"))));
    }
    chart(dir, "herd.svg", "Herd: p99 latency added over a plain request", "ms", bars, Double.NaN, written);

    bars = new ArrayList<>();
    Map<String, Object> steady = (Map<String, Object>) results.get("steady");
    if (steady != null) {
      for (String mode : SteadyScenario.MODES) {
        Map<String, Object> m = (Map<String, Object>) steady.get(mode);
        if (m == null) continue;
        Map<String, Object> s = (Map<String, Object>) m.get("refreshPerLifetime");
        bars.add(new SvgChart.Bar("silent-refresh, " + mode, num(s.get("median")), num(s.get("min")),
            num(s.get("max"))));
      }
    }
    for (Map<String, Object> row : peerRows(results, "steady")) {
      bars.add(SvgChart.Bar.of((String) row.get("name"), num(row.get("refreshPerLifetime"))));
    }
    chart(dir, "steady.svg", "Steady state: refresh calls per 2-second token lifetime", "", bars, 1.3, written);

    bars = new ArrayList<>();
    for (Map<String, Object> row : peerRows(results, "herd")) {
      bars.add(SvgChart.Bar.of(row.get("name") + " × " + row.get("concurrency"), num(row.get("refreshCalls"))));
    }
    chart(dir, "peers-herd.svg", "Herd on an expired token: refresh calls for one expiry", "", bars, 1, written);

    bars = new ArrayList<>();
    for (Map<String, Object> row : Json.rows(results, "sendPath")) {
      bars.add(new SvgChart.Bar(row.get("benchmark") + " (" + row.get("threads") + " t)", num(row.get("nanosPerOp")),
          num(row.get("nanosMin")), num(row.get("nanosMax"))));
    }
    chart(dir, "send-path.svg", "Send path (JMH): time per operation", "ns", bars, Double.NaN, written);
    return written;
  }

  static List<Map<String, Object>> peerRows(Map<String, Object> results, String scenario) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> row : Json.rows(results, "peers")) if (scenario.equals(row.get("scenario"))) rows.add(row);
    return rows;
  }

  private static void chart(Path dir, String file, String title, String unit, List<SvgChart.Bar> bars, double target,
      Map<String, String> written) throws IOException {
    if (bars.isEmpty()) return;
    Files.writeString(dir.resolve(file), SvgChart.render(title, unit, bars, target));
    written.put(file, title);
  }

  static double num(Object o) {
    return o instanceof Number ? ((Number) o).doubleValue() : Double.NaN;
  }
}
