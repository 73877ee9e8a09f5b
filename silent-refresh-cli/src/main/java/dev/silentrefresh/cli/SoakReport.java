package dev.silentrefresh.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's HTML report: one self-contained page (no script, no external resource) with the totals and each run. */
final class SoakReport {
  private SoakReport() {}

  static void write(Path file, Map<String, Object> figures, List<SoakRun.Result> runs) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) Files.createDirectories(parent);
    Files.writeString(file, render(figures, runs), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  static String render(Map<String, Object> figures, List<SoakRun.Result> runs) {
    StringBuilder out = new StringBuilder(8192);
    out.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Silent Refresh soak</title><style>")
        .append("body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}")
        .append(".bad{color:#b00020;font-weight:bold}.ok{color:#1b7f3b;font-weight:bold}</style></head><body>")
        .append("<h1>Silent Refresh soak</h1>");
    List<String> problems = (List<String>) figures.get("problems");
    out.append(problems.isEmpty()
        ? "<p class=\"ok\">No session lost, no reuse detected, no request hung; every failed request outlasted the"
            + " refresh's retries.</p>"
        : "<p class=\"bad\">Problems: " + esc(String.join("; ", problems)) + "</p>");
    out.append("<h2>Totals</h2><table>");
    for (String k : List.of("expiries", "refreshCalls", "refreshesFailed", "requests", "failed", "sessionsLost", "reuseDetected", "hung", "p99Millis")) {
      out.append("<tr><th>").append(k).append("</th><td>").append(figures.get(k)).append("</td></tr>");
    }
    out.append("</table><h2>Runs</h2><table><tr><th>run</th><th>expiries</th><th>refresh calls</th><th>refreshes failed</th><th>requests</th>")
        .append("<th>failed</th><th>sessions lost</th><th>reuse detected</th><th>hung</th><th>p50 ms</th><th>p99 ms</th>")
        .append("<th>seconds</th></tr>");
    for (SoakRun.Result r : runs) {
      out.append("<tr><td>").append(esc(r.dialect() + " · " + r.client())).append("</td>");
      for (long v : new long[] {r.expiries(), r.refreshCalls(), r.refreshesFailed(), r.requests(), r.failed(), r.sessionsLost(),
          r.reuseDetected(), r.hung(), r.p50Millis(), r.p99Millis()}) {
        out.append("<td>").append(v).append("</td>");
      }
      out.append("<td>").append(String.format(Locale.ROOT, "%.1f", r.elapsedMillis() / 1000.0)).append("</td></tr>");
    }
    out.append("</table>");
    bars(out, "Injected refresh faults, by kind", (Map<String, Long>) figures.get("injectedFaults"), "#4a78b5");
    bars(out, "Failed requests, by reason", (Map<String, Long>) figures.get("failedBy"), "#b00020");
    return out.append("</body></html>\n").toString();
  }

  /** A horizontal bar chart in inline SVG. */
  private static void bars(StringBuilder out, String title, Map<String, Long> counts, String color) {
    out.append("<h2>").append(esc(title)).append("</h2>");
    if (counts.isEmpty()) {
      out.append("<p>none</p>");
      return;
    }
    long max = counts.values().stream().mapToLong(Long::longValue).max().orElse(1);
    int row = 22;
    int labelWidth = 260;
    int barWidth = 420;
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(labelWidth + barWidth + 80)
        .append("\" height=\"").append(counts.size() * row + 4).append("\" role=\"img\" aria-label=\"")
        .append(esc(title)).append("\">");
    int y = 2;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      long w = Math.max(1, Math.round((double) e.getValue() / max * barWidth));
      out.append("<text x=\"0\" y=\"").append(y + 15).append("\" font-size=\"13\">").append(esc(e.getKey())).append("</text>")
          .append("<rect x=\"").append(labelWidth).append("\" y=\"").append(y + 3).append("\" width=\"").append(w)
          .append("\" height=\"").append(row - 6).append("\" fill=\"").append(color).append("\"/>")
          .append("<text x=\"").append(labelWidth + w + 6).append("\" y=\"").append(y + 15).append("\" font-size=\"13\">")
          .append(e.getValue()).append("</text>");
      y += row;
    }
    out.append("</svg>");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
