package dev.silentrefresh.cli;

import java.io.PrintWriter;

/**
 * The demo's progress: on a terminal, one live line redrawn in place; elsewhere only a plain line per
 * finished run (no control characters).
 */
final class Progress {
  private final PrintWriter out;
  private final boolean live;
  private long lastRequests;
  private long lastMillis;
  private long lastDrawMillis = -1_000;

  Progress(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  void update(DemoRun.Progress p) {
    if (p.elapsedMillis() < lastMillis) { // a new run started
      lastRequests = 0;
      lastMillis = 0;
      lastDrawMillis = -1_000;
    }
    if (!live || p.elapsedMillis() - lastDrawMillis < 250) return;
    double seconds = Math.max(0.001, (p.elapsedMillis() - lastMillis) / 1000.0);
    long rate = Math.round((p.requests() - lastRequests) / seconds);
    lastRequests = p.requests();
    lastMillis = p.elapsedMillis();
    lastDrawMillis = p.elapsedMillis();
    out.printf("\r\033[K  %-22s %5.1fs %7d req/s  refreshes %3d  waiting %4d  failed %d",
        p.run(), p.elapsedMillis() / 1000.0, rate, p.refreshes(), p.waiting(), p.failed());
    out.flush();
  }

  void done(RunSummary r) {
    if (live) out.print("\r\033[K");
    out.printf("  %-22s %7d requests, %d failed, %d rejected replies, %d refresh calls, %d re-login%s%n",
        r.dialect() + " · " + r.client(), r.requests(), r.failed(), r.rejectedReplies(), r.refreshCalls(),
        r.relogins(), r.relogins() == 1 ? "" : "s");
    out.flush();
    lastMillis = 0;
    lastRequests = 0;
    lastDrawMillis = -1_000;
  }
}
