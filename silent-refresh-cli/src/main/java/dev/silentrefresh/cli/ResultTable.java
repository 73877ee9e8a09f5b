package dev.silentrefresh.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** The demo's result table, one row per run, plain text. */
final class ResultTable {
  private static final String[] HEADERS = {"dialect", "client", "requests", "succeeded", "failed", "rejected",
      "refreshes", "peak refreshes", "reuse", "login req.", "re-logins"};

  private ResultTable() {}

  static void print(PrintWriter out, List<RunSummary> runs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADERS);
    for (RunSummary r : runs) {
      rows.add(new String[] {r.dialect(), r.client(), n(r.requests()), n(r.succeeded()), n(r.failed()),
          n(r.rejectedReplies()), n(r.refreshCalls()), n(r.peakConcurrentRefreshes()), n(r.reuseDetected()),
          n(r.loginRequired()), n(r.relogins())});
    }
    int[] width = new int[HEADERS.length];
    for (String[] row : rows) for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
    for (int r = 0; r < rows.size(); r++) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < width.length; i++) {
        String cell = rows.get(r)[i];
        String pad = " ".repeat(width[i] - cell.length());
        line.append(i < 2 ? cell + pad : pad + cell).append(i == width.length - 1 ? "" : "  ");
      }
      out.println(line.toString().stripTrailing());
      if (r == 0) {
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < width.length; i++) rule.append("-".repeat(width[i])).append(i == width.length - 1 ? "" : "  ");
        out.println(rule);
      }
    }
  }

  private static String n(long v) {
    return Long.toString(v);
  }
}
