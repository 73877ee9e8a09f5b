package dev.silentrefresh.leakcheck;

/**
 * A log record or console line that showed a secret: where it came from, the test running when it was written, and
 * the line with every secret in it replaced by {@code <secret>} (so a report never repeats one).
 */
public record Leak(String source, String level, String thread, String test, String redactedLine) {
  @Override
  public String toString() {
    return level + " " + source + " [" + thread + "] during " + test + ": " + redactedLine;
  }
}
