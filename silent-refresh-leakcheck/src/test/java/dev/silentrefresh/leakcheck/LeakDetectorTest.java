package dev.silentrefresh.leakcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The check can fail: a secret planted in a record, its parameters or its exception is caught and never repeated. */
class LeakDetectorTest {
  private static final String PLANTED = "planted-refresh-token-7f3a9c";

  private static LogRecord record(Level level, String message, Object... params) {
    LogRecord r = new LogRecord(level, message);
    r.setLoggerName("some.client.Http");
    r.setParameters(params);
    return r;
  }

  @Test
  void aSecretInAMessageIsCaughtAtAnyLevelAndRedactedInTheReport() {
    LeakDetector detector = LeakDetector.over(PLANTED);
    detector.inspect(record(Level.FINEST, "POST /token body=grant_type=refresh_token&refresh_token=" + PLANTED));
    detector.inspect(record(Level.INFO, "nothing to see"));

    assertThat(detector.leakCount()).isEqualTo(1);
    Leak leak = detector.leaks().get(0);
    assertThat(leak.source()).isEqualTo("some.client.Http");
    assertThat(leak.level()).isEqualTo("FINEST");
    assertThat(leak.redactedLine()).isEqualTo("POST /token body=grant_type=refresh_token&refresh_token=<secret>");
    assertThat(detector.records("some.client")).isEqualTo(2);

    Throwable verdict = catchThrowable(() -> LeakCheckListener.verdict(detector));
    assertThat(verdict).isInstanceOf(AssertionError.class).hasMessageContaining("1 log line(s)")
        .hasMessageContaining("refresh_token=<secret>").hasMessageNotContaining(PLANTED);
  }

  @Test
  void aSecretInAParameterOrAnExceptionsCauseIsCaught() {
    LeakDetector detector = LeakDetector.over(PLANTED);
    detector.inspect(record(Level.FINE, "header Authorization: Bearer {0}", PLANTED));
    LogRecord withCause = record(Level.WARNING, "refresh failed");
    withCause.setThrown(new IOException("connection reset", new IOException("POST https://a.test/r/" + PLANTED)));
    detector.inspect(withCause);
    assertThat(detector.leakCount()).isEqualTo(2);
    assertThat(detector.leaks()).allSatisfy(l -> assertThat(l.toString()).doesNotContain(PLANTED));
  }

  @Test
  void aCleanRunPassesTheVerdict() {
    LeakDetector detector = LeakDetector.over(PLANTED);
    detector.inspect(record(Level.FINE, "refresh call: 200 OK"));
    LeakCheckListener.verdict(detector);
    assertThat(detector.leakCount()).isZero();
  }

  @Test
  void percentEncodedFormsAndTokensInTheirOwnUrlAreTold() {
    SecretIndex index = new SecretIndex();
    index.add("refresh/with+chars==", "");
    index.add("url-borne-token-123456", "/refreshJwt/");
    LeakDetector detector = new LeakDetector(index);
    detector.inspect("console", "CONSOLE", "POST http://127.0.0.1:1/refreshJwt/url-borne-token-123456 -> 200");
    assertThat(detector.leakCount()).as("the URL its dialect demands").isZero();
    assertThat(detector.seenInTheirUrl()).isEqualTo(1);
    detector.inspect("console", "CONSOLE", "{\"refreshToken\":\"url-borne-token-123456\"}");
    assertThat(detector.leakCount()).as("the same token anywhere else").isEqualTo(1);
  }

  @Test
  void recordedSecretsAreAlsoLookedForPercentEncoded() {
    IssuedSecrets.record("leakcheck/self+test==x");
    LeakDetector detector = new LeakDetector(IssuedSecrets.index());
    detector.inspect("x", "CONSOLE", "q=leakcheck%2Fself%2Btest%3D%3Dx");
    assertThat(detector.leakCount()).isEqualTo(1);
  }

  @Test
  void aSecretPrintedToTheConsoleIsCaughtAndStillPrinted() {
    LeakDetector detector = LeakDetector.over(PLANTED);
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    try (ScanningPrintStream console = new ScanningPrintStream(new java.io.PrintStream(printed), "System.err", detector)) {
      console.println("refresh reply: {\"refresh_token\":\"" + PLANTED + "\"}");
      console.print("no newline yet, ");
      console.println("then one");
    }
    assertThat(printed.toString()).contains(PLANTED).contains("then one");
    assertThat(detector.leakCount()).isEqualTo(1);
    assertThat(detector.records("System.err")).isEqualTo(2);
    assertThat(detector.leaks().get(0).redactedLine()).isEqualTo("refresh reply: {\"refresh_token\":\"<secret>\"}");
  }

  /** This module registers the listener too: every JUL record at every level reaches the JVM-wide capture. */
  @Test
  void theRunsOwnCaptureSeesTheFinestRecords() {
    long before = LogCapture.detector().records("leakcheck.probe.finest");
    Logger.getLogger("leakcheck.probe.finest").finest("a probe");
    assertThat(LogCapture.active()).isTrue();
    assertThat(LogCapture.detector().records("leakcheck.probe.finest")).isEqualTo(before + 1);
    long consoleBefore = LogCapture.detector().records("System.out");
    System.out.println("a console probe");
    assertThat(LogCapture.detector().records("System.out")).isEqualTo(consoleBefore + 1);
  }
}
