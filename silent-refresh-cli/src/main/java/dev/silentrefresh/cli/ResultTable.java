package dev.silentrefresh.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The demo's result tables, plain text: one row per run, or (a fleet run) one per process. */
final class ResultTable {
  private static final String[] HEADERS = {"dialect", "client", "requests", "succeeded", "failed", "rejected",
      "refreshes", "peak refreshes", "reuse", "login req.", "re-logins"};

  private ResultTable() {}

  static void print(PrintWriter out, List<RunSummary> runs) {
    List<String[]> rows = new ArrayList<>();
    for (RunSummary r : runs) {
      rows.add(new String[] {r.dialect(), r.client(), n(r.requests()), n(r.succeeded()), n(r.failed()),
          n(r.rejectedReplies()), n(r.refreshCalls()), n(r.peakConcurrentRefreshes()), n(r.reuseDetected()),
          n(r.loginRequired()), n(r.relogins())});
    }
    print(out, "", HEADERS, rows, 2);
  }

  /**
   * A table with a rule under its headers: the first {@code leftColumns} columns left-aligned, the others (figures)
   * right-aligned; every line starts with {@code indent}.
   */
  static void print(PrintWriter out, String indent, String[] headers, List<String[]> rows, int leftColumns) {
    List<String[]> all = new ArrayList<>();
    all.add(headers);
    all.addAll(rows);
    int[] width = new int[headers.length];
    for (String[] row : all) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
    for (int r = 0; r < all.size(); r++) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < width.length; i++) {
        String cell = all.get(r)[i];
        String pad = " ".repeat(width[i] - cell.length());
        line.append(i < leftColumns ? cell + pad : pad + cell).append(i == width.length - 1 ? "" : "  ");
      }
      out.println(line.toString().stripTrailing());
      if (r == 0) {
        StringBuilder rule = new StringBuilder(indent);
        for (int i = 0; i < width.length; i++) rule.append("-".repeat(width[i])).append(i == width.length - 1 ? "" : "  ");
        out.println(rule);
      }
    }
  }

  static String n(long v) {
    return Long.toString(v);
  }
}
