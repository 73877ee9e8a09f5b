package dev.silentrefresh.leakcheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/**
 * The leak check of a test run. Registered in a module's test resources (both
 * {@code META-INF/services/org.junit.platform.launcher.LauncherSessionListener} and
 * {@code ...TestExecutionListener}), it starts {@link LogCapture} when the JUnit Platform session opens, before any
 * test, notes which test runs (for the report), and when the session closes writes
 * {@code target/leakcheck-report.txt} (records seen per source, leaks redacted) and fails the run if any recorded
 * secret appeared in any log record or console line. Runs on the launcher's thread.
 */
public final class LeakCheckListener implements LauncherSessionListener, TestExecutionListener {

  @Override
  public void launcherSessionOpened(LauncherSession session) {
    LogCapture.install();
  }

  @Override
  public void executionStarted(TestIdentifier test) {
    if (!test.isTest()) return;
    LogCapture.reattachIfLost();
    LogCapture.detector().testStarted(test.getLegacyReportingName() + " (" + test.getUniqueId() + ")");
  }

  @Override
  public void executionFinished(TestIdentifier test, TestExecutionResult result) {
    if (test.isTest()) LogCapture.detector().testStarted("(after " + test.getLegacyReportingName() + ")");
  }

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    if (!LogCapture.active()) return;
    LeakDetector detector = LogCapture.detector();
    try {
      Path target = Path.of("target");
      if (Files.isDirectory(target)) {
        Files.writeString(target.resolve("leakcheck-report.txt"), report(detector), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      // the report is a convenience; the verdict below stands
    }
    verdict(detector);
    LogCapture.originalOut().println("Leak check: " + total(detector) + " log records and console lines, "
        + IssuedSecrets.index().size() + " secrets looked for, none found"
        + (detector.seenInTheirUrl() > 0 ? " (" + detector.seenInTheirUrl()
            + " times a refresh token in the refresh URL its dialect demands)" : ""));
  }

  /** @throws AssertionError naming every leak (redacted) when {@code detector} saw one */
  static void verdict(LeakDetector detector) {
    if (detector.leakCount() > 0) {
      throw new AssertionError("Leak check: " + detector.leakCount() + " log line(s) showed a token issued in this run"
          + " (tokens replaced by <secret>):\n" + report(detector));
    }
  }

  private static long total(LeakDetector detector) {
    return detector.recordsBySource().values().stream().mapToLong(Long::longValue).sum();
  }

  static String report(LeakDetector detector) {
    StringBuilder out = new StringBuilder();
    out.append("secrets looked for: ").append(IssuedSecrets.index().size()).append('\n');
    out.append("refresh tokens seen in the refresh URL their dialect demands: ").append(detector.seenInTheirUrl()).append('\n');
    out.append("records seen, by source:\n");
    for (Map.Entry<String, Long> e : detector.recordsBySource().entrySet()) {
      out.append("  ").append(e.getKey()).append(": ").append(e.getValue()).append('\n');
    }
    out.append("leaks: ").append(detector.leakCount()).append('\n');
    for (Leak leak : detector.leaks()) out.append("  ").append(leak).append('\n');
    return out.toString();
  }
}
