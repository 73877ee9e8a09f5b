package dev.silentrefresh.leakcheck;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The secrets of this test run: every token the testkit's {@code AuthServer} issues, and any a test records itself.
 * {@link LeakCheckListener} fails the run when one appears in a log record or console line.
 *
 * <p>Recording is a no-op unless a leak check runs in this JVM, so an application that uses the testkit without it
 * keeps nothing. Strings shorter than {@value #MIN_LENGTH} characters are not recorded: they cannot be told apart
 * from ordinary text. Thread-safe; called on any thread (the testkit records on its server's threads, before the
 * token leaves the server).
 */
public final class IssuedSecrets {
  /** The shortest secret looked for. */
  public static final int MIN_LENGTH = 8;
  private static final SecretIndex INDEX = new SecretIndex();
  private static volatile boolean recording;

  private IssuedSecrets() {}

  /** Looks for {@code secret} (as is, and percent-encoded) in every line from now on. */
  public static void record(String secret) {
    recordExpectedAfter(secret, "");
  }

  /**
   * As {@link #record}, for a refresh token that its dialect puts in the refresh URL: right after {@code urlPart}
   * (the path prefix or {@code refreshToken=}) it is that URL, which clients and servers may log — the risk the
   * session warns of — and is counted, not failed. Anywhere else in a line it is a leak.
   */
  public static void recordInUrl(String secret, String urlPart) {
    recordExpectedAfter(secret, urlPart);
  }

  private static void recordExpectedAfter(String secret, String urlPart) {
    if (!recording || secret == null || secret.length() < MIN_LENGTH) return;
    INDEX.add(secret, urlPart);
    String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
    if (!encoded.equals(secret)) {
      INDEX.add(encoded, urlPart);
      INDEX.add(encoded.replace("+", "%20"), urlPart);
    }
  }

  /** True while a leak check runs in this JVM. */
  public static boolean recording() {
    return recording;
  }

  static void startRecording() {
    recording = true;
  }

  static SecretIndex index() {
    return INDEX;
  }
}
