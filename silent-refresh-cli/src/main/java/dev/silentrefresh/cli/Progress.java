package dev.silentrefresh.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo's progress: on a terminal, one live line redrawn in place for the runs in progress (summed when
 * several run at once); elsewhere only a plain line per finished run (no control characters). Thread-safe.
 */
final class Progress {
  private static final long REDRAW_NANOS = 250_000_000L;

  private final PrintWriter out;
  private final boolean live;
  private final Map<String, DemoRun.Progress> latest = new LinkedHashMap<>();
  private long lastTotal;
  private long lastDrawNanos;

  Progress(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  /** A new set of concurrent runs begins. */
  synchronized void start() {
    latest.clear();
    lastTotal = 0;
    lastDrawNanos = System.nanoTime();
  }

  synchronized void update(DemoRun.Progress p) {
    latest.put(p.run(), p);
    long now = System.nanoTime();
    if (!live || now - lastDrawNanos < REDRAW_NANOS) return;
    long requests = 0;
    long refreshes = 0;
    long failed = 0;
    int waiting = 0;
    long elapsed = 0;
    for (DemoRun.Progress q : latest.values()) {
      requests += q.requests();
      refreshes += q.refreshes();
      failed += q.failed();
      waiting += q.waiting();
      elapsed = Math.max(elapsed, q.elapsedMillis());
    }
    long rate = Math.round((requests - lastTotal) / ((now - lastDrawNanos) / 1e9));
    lastTotal = requests;
    lastDrawNanos = now;
    String label = latest.size() == 1 ? p.run() : p.run().split(" · ")[0] + " · " + latest.size() + " clients";
    out.printf("\r\033[K  %-24s %5.1fs %7d req/s  refreshes %3d  waiting %4d  failed %d",
        label, elapsed / 1000.0, rate, refreshes, waiting, failed);
    out.flush();
  }

  /** A line of its own, below the live line (which is redrawn at the next update). */
  synchronized void println(String line) {
    if (live) out.print("\r\033[K");
    out.println(line);
    out.flush();
  }

  synchronized void done(RunSummary r) {
    if (live) out.print("\r\033[K");
    out.printf("  %-24s %7d requests, %d failed, %d rejected replies, %d refresh calls, %d re-login%s%n",
        r.dialect() + " · " + r.client(), r.requests(), r.failed(), r.rejectedReplies(), r.refreshCalls(),
        r.relogins(), r.relogins() == 1 ? "" : "s");
    out.flush();
  }
}
