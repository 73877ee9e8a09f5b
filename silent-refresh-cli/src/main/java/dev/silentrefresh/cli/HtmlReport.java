package dev.silentrefresh.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes the demo's report: one self-contained HTML page, viewable offline. It holds the summary table
 * and one inline SVG chart per {@link Timeline}; no script, no external resource and no clock, so the
 * same input always renders the same text. The markup is also well-formed XML.
 */
final class HtmlReport {
  private static final int W = 960, LEFT = 64, RIGHT = 64, PLOT_H = 220, LANE_H = 16;
  private static final double CHAR_W = 5.9; // rough width of one character at 11px, to place labels
  private static final String GREY = "#b7bec7", RED = "#d93636", GREEN = "#2f9e4f", BLUE = "#1f63d6",
      DARK = "#222", ORANGE = "#ee8a00", MARK = "#555", ADOPTED = "#7a5cc7";
  private static final String[] BAND = {"#e2ebf8", "#f5eddc"};

  private static final String CSS = """
      body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#222;\
      max-width:1000px;margin:0 auto;padding:12px 20px 40px}
      h1{font-size:22px;margin:8px 0 4px}
      h2{font-size:16px;margin:26px 0 0}
      p.lead{color:#444;margin:4px 0 16px}
      table{border-collapse:collapse;font-size:13px;width:100%}
      th,td{padding:4px 6px;border-bottom:1px solid #e3e3e3;text-align:left}
      th{background:#f3f4f6;font-weight:600;vertical-align:bottom}
      td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
      td.t{white-space:nowrap}
      td.bad{color:#c62828;font-weight:700}
      figure{margin:0}
      p.totals{margin:0 0 4px;color:#555;font-size:12px}
      svg{display:block;width:100%;max-width:960px;height:auto}
      svg text{font-size:11px;fill:#333}
      """;

  private static final String EXPLANATION = "Each chart is one run: a dialect \u00d7 a client. The grey bars are"
      + " requests completed per bucket; red marks are replies the server rejected because the access token had"
      + " expired; each blue tick is one call to the refresh endpoint; green are replays of rejected requests"
      + " with the new token; the shaded bands are the lifetimes of successive access tokens; dashed vertical"
      + " lines are markers such as \u2018refresh token expired\u2019 / \u2018signed in again\u2019. The thin"
      + " orange line counts requests waiting for a refresh (right-hand scale), and a dark lane shows failed"
      + " requests when there are any. Hover over a bar or a tick for its figures.";

  private static final String FLEET_EXPLANATION = "In a fleet run, several processes share one session in Redis,"
      + " and each has a lane under the chart: a blue tick where its session called the refresh endpoint, a purple"
      + " circle where it adopted the tokens another process had just refreshed. One blue tick per expiry, whichever"
      + " process it is in, is right: every other process adopts.";

  private static final String[] COLUMNS = {"dialect", "client", "requests", "succeeded", "failed",
      "rejected replies", "refresh calls", "peak concurrent refreshes", "reuse detected", "login required",
      "re-logins"};

  private HtmlReport() {}

  /** Writes {@link #render} to {@code file} as UTF-8, creating its parent directories. */
  static void write(Path file, String title, List<RunSummary> summary, List<Timeline> timelines) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, render(title, summary, timelines), StandardCharsets.UTF_8);
  }

  /** The whole page; null lists count as empty. */
  static String render(String title, List<RunSummary> summary, List<Timeline> timelines) {
    StringBuilder out = new StringBuilder(64 * 1024);
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
        .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
        .append("</head>\n<body>\n<header>\n<h1>").append(esc(title)).append("</h1>\n<p class=\"lead\">")
        .append(EXPLANATION).append("</p>\n");
    List<Timeline> charts = nonNull(timelines);
    if (charts.stream().anyMatch(tl -> !nonNull(tl.lanes()).isEmpty())) {
      out.append("<p class=\"lead\">").append(FLEET_EXPLANATION).append("</p>\n");
    }
    out.append("</header>\n");
    table(out, nonNull(summary));
    out.append("<section class=\"charts\">\n");
    if (charts.isEmpty()) {
      out.append("<p>No timelines were recorded.</p>\n");
    }
    for (Timeline tl : charts) {
      String name = esc(tl.dialect()) + " \u00b7 " + esc(tl.client());
      Chart chart = new Chart(tl);
      out.append("<figure class=\"chart\">\n<h2>").append(name).append("</h2>\n<p class=\"totals\">")
          .append(chart.totals()).append("</p>\n");
      chart.svg(out, name);
      out.append("</figure>\n");
    }
    return out.append("</section>\n</body>\n</html>\n").toString();
  }

  private static void table(StringBuilder out, List<RunSummary> rows) {
    out.append("<section class=\"summary\">\n<table>\n<thead><tr>");
    for (int i = 0; i < COLUMNS.length; i++) {
      out.append(i < 2 ? "<th>" : "<th class=\"n\">").append(COLUMNS[i]).append("</th>");
    }
    out.append("</tr></thead>\n<tbody>\n");
    if (rows.isEmpty()) {
      out.append("<tr><td colspan=\"").append(COLUMNS.length).append("\">No runs.</td></tr>\n");
    }
    for (RunSummary r : rows) {
      out.append("<tr><td class=\"t\">").append(esc(r.dialect())).append("</td><td class=\"t\">")
          .append(esc(r.client())).append("</td>");
      long[] cells = {r.requests(), r.succeeded(), r.failed(), r.rejectedReplies(), r.refreshCalls(),
          r.peakConcurrentRefreshes(), r.reuseDetected(), r.loginRequired(), r.relogins()};
      for (int i = 0; i < cells.length; i++) {
        boolean bad = (i == 2 && cells[i] > 0) || (i == 5 && cells[i] > 1);
        out.append(bad ? "<td class=\"n bad\">" : "<td class=\"n\">").append(cells[i]).append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n</section>\n");
  }

  /** One timeline's chart: the scales, computed once, and the drawing. */
  private static final class Chart {
    private final List<Timeline.Sample> samples;
    private final List<Timeline.Band> bands;
    private final List<Timeline.Marker> markers;
    private final List<Timeline.Lane> processes;
    private final String[][] legend;
    private int[] markerRows;
    private final long span, bucket, yStep, yMax, wStep, wMax;
    private final boolean failures;
    private final double plotW = W - LEFT - RIGHT, top, plotBottom, refreshTop, processTop, lanesBottom;

    Chart(Timeline tl) {
      samples = nonNull(tl.samples());
      bands = nonNull(tl.tokens());
      processes = nonNull(tl.lanes());
      legend = processes.isEmpty() ? LEGEND : FLEET_LEGEND;
      markers = new ArrayList<>(nonNull(tl.markers()));
      markers.sort(Comparator.comparingLong(Timeline.Marker::atMillis));
      long minAt = Long.MAX_VALUE, maxAt = 0, peak = 0, peakWaiting = 0;
      boolean failed = false;
      for (Timeline.Sample s : samples) {
        minAt = Math.min(minAt, s.atMillis());
        maxAt = Math.max(maxAt, s.atMillis());
        peak = Math.max(peak, Math.max(s.requests(), (long) s.rejected() + s.replays()));
        peakWaiting = Math.max(peakWaiting, s.waiting());
        failed |= s.failures() > 0;
      }
      bucket = tl.bucketMillis() > 0 ? tl.bucketMillis()
          : samples.size() > 1 ? Math.max(1, (maxAt - minAt) / (samples.size() - 1)) : 1000;
      long end = Math.max(tl.durationMillis(), samples.isEmpty() ? 0 : maxAt + bucket);
      span = end > 0 ? end : 1000;
      yStep = niceStep(peak);
      yMax = Math.max(yStep, ceilTo(peak, yStep));
      wStep = niceStep(peakWaiting);
      wMax = peakWaiting > 0 ? ceilTo(peakWaiting, wStep) : 0;
      failures = failed;
      markers.removeIf(m -> m.atMillis() < 0 || m.atMillis() > span); // outside the chart
      markerRows = layOutMarkerRows();
      int rows = 0;
      for (int r : markerRows) rows = Math.max(rows, r + 1);
      top = markers.isEmpty() ? 12 : 16 + 15 * rows; // room for the markers' labels
      plotBottom = top + PLOT_H;
      refreshTop = plotBottom + 6;
      processTop = refreshTop + LANE_H + (failures ? LANE_H + 4 : 0) + (processes.isEmpty() ? 0 : 6);
      lanesBottom = processTop + processes.size() * (LANE_H + 2);
    }

    String totals() {
      long req = 0, rej = 0, rep = 0, ref = 0, fail = 0;
      for (Timeline.Sample s : samples) {
        req += s.requests();
        rej += s.rejected();
        rep += s.replays();
        ref += s.refreshes();
        fail += s.failures();
      }
      return plural(req, "request") + " \u00b7 " + rej + " rejected \u00b7 " + plural(rep, "replay") + " \u00b7 "
          + plural(ref, "refresh call") + " \u00b7 " + plural(fail, "failure")
          + (processes.isEmpty() ? "" : " \u00b7 " + processes.size() + (processes.size() == 1 ? " process" : " processes"))
          + " \u00b7 over "
          + seconds(span, span % 1000 == 0 ? 0 : 1) + " s, " + duration(bucket) + " buckets";
    }

    void svg(StringBuilder out, String name) {
      List<double[]> legendAt = new ArrayList<>(); // x, y of each legend entry
      double lx = LEFT, ly = lanesBottom + 56;
      for (String[] item : legend) {
        double w = 18 + item[1].length() * CHAR_W + 14;
        if (lx + w > W - 8 && lx > LEFT) {
          lx = LEFT;
          ly += 18;
        }
        legendAt.add(new double[] {lx, ly});
        lx += w;
      }
      double height = ly + 12;
      out.append("<svg viewBox=\"0 0 ").append(W).append(' ').append(f(height)).append("\" width=\"").append(W)
          .append("\" height=\"").append(f(height)).append("\" role=\"img\" aria-label=\"").append(name)
          .append("\">\n");
      bands(out);
      yAxis(out);
      bars(out);
      lanes(out);
      markers(out);
      xAxis(out);
      for (int i = 0; i < legend.length; i++) {
        legend(out, legend[i], legendAt.get(i)[0], legendAt.get(i)[1]);
      }
      out.append("</svg>\n");
    }

    private void bands(StringBuilder out) {
      for (int i = 0; i < bands.size(); i++) {
        Timeline.Band b = bands.get(i);
        long from = Math.max(0, b.fromMillis()), to = Math.min(span, b.toMillis());
        if (to <= from) {
          continue;
        }
        out.append("<rect x=\"").append(f(x(from))).append("\" y=\"").append(f(top)).append("\" width=\"")
            .append(f(x(to) - x(from))).append("\" height=\"").append(f(lanesBottom - top)).append("\" fill=\"")
            .append(BAND[i % 2]).append("\"><title>access token ").append(i + 1).append(": ")
            .append(seconds(b.fromMillis(), 1)).append("\u2013").append(seconds(b.toMillis(), 1))
            .append(" s</title></rect>\n");
      }
    }

    private void yAxis(StringBuilder out) {
      for (long v = 0; v <= yMax; v += yStep) {
        double y = y(v);
        line(out, LEFT, y, W - RIGHT, y, v == 0 ? "#666" : "#000", v == 0 ? "" : " stroke-opacity=\"0.08\"");
        text(out, LEFT - 6, y + 4, "end", null, Long.toString(v));
      }
      String unit = "requests / " + duration(bucket);
      double mid = top + PLOT_H / 2.0;
      out.append("<text x=\"16\" y=\"").append(f(mid)).append("\" text-anchor=\"middle\" transform=\"rotate(-90 16 ")
          .append(f(mid)).append(")\">").append(unit).append("</text>\n");
      if (wMax > 0) {
        for (long v = 0; v <= wMax; v += wStep) {
          text(out, W - RIGHT + 6, yWaiting(v) + 4, "start", ORANGE, Long.toString(v));
        }
        double x = W - 14;
        out.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(mid))
            .append("\" text-anchor=\"middle\" style=\"fill:").append(ORANGE).append("\" transform=\"rotate(90 ")
            .append(f(x)).append(' ').append(f(mid)).append(")\">waiting for a refresh</text>\n");
      }
    }

    private void bars(StringBuilder out) {
      StringBuilder waiting = new StringBuilder();
      for (Timeline.Sample s : samples) {
        double x0 = x(s.atMillis()), bw = x(s.atMillis() + bucket) - x0;
        if (bw <= 0) {
          continue;
        }
        if (wMax > 0) {
          waiting.append(waiting.length() == 0 ? "" : " ").append(f(x0 + bw)).append(',')
              .append(f(yWaiting(s.waiting())));
        }
        if (s.requests() <= 0 && s.rejected() <= 0 && s.replays() <= 0 && s.waiting() <= 0) {
          continue;
        }
        double gap = bw > 4 ? 1 : 0, bx = x0 + gap / 2, w = bw - gap;
        String tip = bucketLabel(s) + ": " + plural(s.requests(), "request") + ", " + Math.max(0, s.rejected())
            + " rejected, " + plural(s.replays(), "replay") + (s.waiting() > 0 ? ", " + s.waiting() + " waiting" : "")
            + (s.failures() > 0 ? ", " + plural(s.failures(), "failure") : "");
        out.append("<g><title>").append(tip).append("</title>");
        hoverArea(out, bx, top, w, PLOT_H); // the whole column shows the tooltip
        rect(out, bx, y(s.requests()), w, plotBottom - y(s.requests()), GREY);
        rect(out, bx, y(s.rejected()), w, plotBottom - y(s.rejected()), RED);
        long stacked = (long) Math.max(0, s.rejected()) + Math.max(0, s.replays());
        rect(out, bx, y(stacked), w, y(s.rejected()) - y(stacked), GREEN);
        out.append("</g>\n");
      }
      if (waiting.length() > 0) {
        out.append("<polyline points=\"").append(waiting).append("\" fill=\"none\" stroke=\"").append(ORANGE)
            .append("\" stroke-width=\"1.5\" pointer-events=\"none\"/>\n");
      }
    }

    private void lanes(StringBuilder out) {
      text(out, LEFT - 6, refreshTop + 12, "end", BLUE, "refresh");
      line(out, LEFT, refreshTop + LANE_H, W - RIGHT, refreshTop + LANE_H, "#000", " stroke-opacity=\"0.15\"");
      double failTop = refreshTop + LANE_H + 4, countEnd = 0;
      if (failures) {
        text(out, LEFT - 6, failTop + 12, "end", DARK, "failed");
      }
      for (Timeline.Sample s : samples) {
        double x0 = x(s.atMillis()), bw = x(s.atMillis() + bucket) - x0;
        if (bw <= 0) {
          continue;
        }
        if (s.refreshes() > 0) {
          out.append("<g><title>").append(bucketLabel(s)).append(": ").append(plural(s.refreshes(), "refresh call"))
              .append("</title>");
          hoverArea(out, x0, refreshTop, bw, LANE_H);
          int ticks = (int) Math.min(s.refreshes(), Math.max(1, Math.floor(bw / 2))); // ticks at least 2 px apart
          for (int j = 0; j < ticks; j++) {
            double tx = x0 + bw * (j + 0.5) / ticks;
            line(out, tx, refreshTop + 1, tx, refreshTop + LANE_H - 1, BLUE, " stroke-width=\"1.5\"");
          }
          if (ticks < s.refreshes() && x0 + bw + 2 > countEnd) { // too narrow for one tick each: say how many
            String count = "\u00d7" + s.refreshes();
            text(out, x0 + bw + 2, refreshTop + 12, "start", BLUE, count);
            countEnd = x0 + bw + 2 + count.length() * CHAR_W + 4;
          }
          out.append("</g>\n");
        }
        if (failures && s.failures() > 0) {
          out.append("<g><title>").append(bucketLabel(s)).append(": ").append(plural(s.failures(), "failure"))
              .append("</title>");
          rect(out, x0, failTop + 2, Math.max(1, bw - (bw > 4 ? 1 : 0)), LANE_H - 4, DARK);
          out.append("</g>\n");
        }
      }
      processLanes(out);
    }

    /** A fleet run: a lane per process, a tick where it refreshed, a circle where it adopted. */
    private void processLanes(StringBuilder out) {
      for (int i = 0; i < processes.size(); i++) {
        Timeline.Lane lane = processes.get(i);
        double laneTop = processTop + i * (LANE_H + 2), mid = laneTop + LANE_H / 2.0;
        List<Timeline.Tick> ticks = nonNull(lane.ticks());
        long adopted = ticks.stream().filter(Timeline.Tick::adopted).count();
        String name = esc(lane.name());
        out.append("<g><title>").append(name).append(": refreshed ").append(ticks.size() - adopted)
            .append(" time").append(ticks.size() - adopted == 1 ? "" : "s").append(" (called the server), adopted ")
            .append(adopted).append("</title>");
        rect(out, 4, laneTop, LEFT - 4, LANE_H, "#fff\" fill-opacity=\"0");
        text(out, LEFT - 6, laneTop + 12, "end", null, name);
        out.append("</g>\n");
        line(out, LEFT, laneTop + LANE_H, W - RIGHT, laneTop + LANE_H, "#000", " stroke-opacity=\"0.08\"");
        for (Timeline.Tick t : ticks) {
          if (t.atMillis() < 0 || t.atMillis() > span) {
            continue;
          }
          double x = x(t.atMillis());
          out.append("<g><title>").append(name).append(t.adopted() ? ": adopted tokens another process refreshed, at "
              : ": refreshed (called the server) at ").append(seconds(t.atMillis(), 2)).append(" s</title>");
          if (t.adopted()) {
            circle(out, x, mid, 3.5, ADOPTED);
          } else {
            line(out, x, laneTop + 1, x, laneTop + LANE_H - 1, BLUE, " stroke-width=\"2\"");
          }
          out.append("</g>\n");
        }
      }
    }

    /** A label row per marker: the first row where its label does not overlap another, at most five rows. */
    private int[] layOutMarkerRows() {
      int[] rows = new int[markers.size()];
      double[] rowEnd = new double[5];
      java.util.Arrays.fill(rowEnd, Double.NEGATIVE_INFINITY);
      for (int i = 0; i < markers.size(); i++) {
        Timeline.Marker m = markers.get(i);
        double x = x(m.atMillis()), w = len(m.label()) * CHAR_W;
        double start = x + 4 + w <= W - 4 ? x + 4 : x - 4 - w;
        int row = 0;
        while (row < rowEnd.length - 1 && start <= rowEnd[row] + 8) row++;
        rowEnd[row] = Math.max(rowEnd[row], start + w);
        rows[i] = row;
      }
      return rows;
    }

    private void markers(StringBuilder out) {
      for (int i = 0; i < markers.size(); i++) {
        Timeline.Marker m = markers.get(i);
        double x = x(m.atMillis()), w = len(m.label()) * CHAR_W;
        boolean right = x + 4 + w <= W - 4;
        double ty = top - 8 - markerRows[i] * 15;
        out.append("<g><title>").append(esc(m.label())).append(" at ").append(seconds(m.atMillis(), 1))
            .append(" s</title>");
        line(out, x, top - 4, x, lanesBottom, MARK, " stroke-width=\"1.2\" stroke-dasharray=\"5 3\"");
        text(out, right ? x + 4 : x - 4, ty, right ? "start" : "end", MARK, esc(m.label()));
        out.append("</g>\n");
      }
    }

    private void xAxis(StringBuilder out) {
      long step = span <= 20_000 ? 1000 : span <= 100_000 ? 5000 : 0;
      for (long s : new long[] {10, 15, 30, 60, 120, 300, 600, 1800, 3600}) {
        if (step == 0 && span / (s * 1000) <= 20) {
          step = s * 1000;
        }
      }
      if (step == 0) {
        step = ceilTo(span / 20, 3_600_000);
      }
      for (long t = 0; t <= span; t += step) {
        double x = x(t);
        line(out, x, top, x, plotBottom, "#000", " stroke-opacity=\"0.06\"");
        line(out, x, lanesBottom, x, lanesBottom + 4, "#666", "");
        text(out, x, lanesBottom + 16, "middle", null, Long.toString(t / 1000));
      }
      text(out, LEFT + plotW / 2, lanesBottom + 32, "middle", null, "time (s)");
    }

    private static final String[][] LEGEND = {{"bar", "requests"}, {"red", "rejected (token expired)"},
        {"green", "replays"}, {"tick", "refresh calls"}, {"dark", "failures"}, {"line", "waiting (right scale)"},
        {"band", "token lifetimes"}, {"dash", "markers"}};
    private static final String[][] FLEET_LEGEND = {{"bar", "requests"}, {"red", "rejected (token expired)"},
        {"green", "replays"}, {"tick", "refresh calls"}, {"dark", "failures"}, {"line", "waiting (right scale)"},
        {"band", "token lifetimes"}, {"dash", "markers"}, {"tick", "a process refreshed"},
        {"circle", "a process adopted another\u2019s refresh"}};

    private static void legend(StringBuilder out, String[] item, double x, double y) {
      switch (item[0]) {
        case "tick" -> line(out, x + 7, y - 10, x + 7, y + 1, BLUE, " stroke-width=\"2\"");
        case "line" -> line(out, x, y - 4, x + 14, y - 4, ORANGE, " stroke-width=\"2\"");
        case "circle" -> circle(out, x + 7, y - 4.5, 3.5, ADOPTED);
        case "dash" -> line(out, x + 7, y - 11, x + 7, y + 2, MARK, " stroke-width=\"1.2\" stroke-dasharray=\"4 2\"");
        case "band" -> {
          rect(out, x, y - 10, 7, 11, BAND[0]);
          rect(out, x + 7, y - 10, 7, 11, BAND[1]);
        }
        default -> rect(out, x, y - 10, 14, 11,
            item[0].equals("red") ? RED : item[0].equals("green") ? GREEN : item[0].equals("dark") ? DARK : GREY);
      }
      text(out, x + 18, y, "start", null, item[1]);
    }

    private double x(long millis) {
      return LEFT + Math.max(0, Math.min(span, millis)) * plotW / span;
    }

    private double y(long count) {
      return plotBottom - Math.max(0, Math.min(yMax, count)) * (double) PLOT_H / yMax;
    }

    private double yWaiting(long count) {
      return plotBottom - Math.max(0, Math.min(wMax, count)) * (double) PLOT_H / Math.max(1, wMax);
    }

    private String bucketLabel(Timeline.Sample s) {
      int decimals = bucket % 1000 == 0 ? 0 : bucket % 100 == 0 ? 1 : bucket % 10 == 0 ? 2 : 3;
      return seconds(s.atMillis(), decimals) + "\u2013" + seconds(s.atMillis() + bucket, decimals) + " s";
    }
  }

  private static void rect(StringBuilder out, double x, double y, double w, double h, String fill) {
    if (w > 0 && h > 0) {
      out.append("<rect x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" width=\"").append(f(w))
          .append("\" height=\"").append(f(h)).append("\" fill=\"").append(fill).append("\"/>");
    }
  }

  /** A hollow circle. */
  private static void circle(StringBuilder out, double cx, double cy, double r, String stroke) {
    out.append("<circle cx=\"").append(f(cx)).append("\" cy=\"").append(f(cy)).append("\" r=\"").append(f(r))
        .append("\" fill=\"#fff\" stroke=\"").append(stroke).append("\" stroke-width=\"1.5\"/>");
  }

  /** An invisible rectangle that still catches the pointer, for its group's tooltip. */
  private static void hoverArea(StringBuilder out, double x, double y, double w, double h) {
    rect(out, x, y, w, h, "#fff\" fill-opacity=\"0");
  }

  private static void line(StringBuilder out, double x1, double y1, double x2, double y2, String stroke, String extra) {
    out.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2))
        .append("\" y2=\"").append(f(y2)).append("\" stroke=\"").append(stroke).append('"').append(extra).append("/>");
  }

  /** {@code escaped} must already be escaped. */
  private static void text(StringBuilder out, double x, double y, String anchor, String fill, String escaped) {
    out.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" text-anchor=\"").append(anchor)
        .append('"').append(fill == null ? "" : " style=\"fill:" + fill + "\"").append('>').append(escaped)
        .append("</text>\n");
  }

  /** A step giving about four ticks up to {@code max}: 1, 2 or 5 times a power of ten. */
  private static long niceStep(long max) {
    if (max <= 4) {
      return 1;
    }
    double raw = max / 4.0, magnitude = Math.pow(10, Math.floor(Math.log10(raw))), r = raw / magnitude;
    return Math.max(1, Math.round((r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude));
  }

  private static long ceilTo(long value, long step) {
    return Math.max(step, (value + step - 1) / step * step);
  }

  private static String f(double v) {
    double r = Math.round(v * 10) / 10.0;
    return r == Math.rint(r) ? Long.toString((long) r) : String.format(Locale.ROOT, "%.1f", r);
  }

  private static String seconds(long millis, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", millis / 1000.0);
  }

  private static String duration(long millis) {
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }

  private static String plural(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static int len(String s) {
    return s == null ? 0 : s.length();
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list.stream().filter(Objects::nonNull).toList();
  }

  /** Escapes text for HTML and XML alike, and drops the control characters XML forbids. */
  private static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
