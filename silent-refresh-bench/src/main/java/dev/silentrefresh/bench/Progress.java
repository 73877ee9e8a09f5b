package dev.silentrefresh.bench;

import java.io.PrintStream;

/** One line per step on stderr, with the seconds since the harness started: the run's only chatter. */
final class Progress {
  private final PrintStream out;
  private final long start = System.nanoTime();

  Progress(PrintStream out) {
    this.out = out;
  }

  void say(String step) {
    out.printf("[%6.1f s] %s%n", (System.nanoTime() - start) / 1e9, step);
    out.flush();
  }
}
