package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * What a browser test needs on the machine: Debian's Chromium at {@value #CHROMIUM}, Node.js and npm on the
 * {@code PATH}, and npm packages installed at test time into a directory under {@code target/} (never globally,
 * never a downloaded browser). Used by one test thread.
 */
final class BrowserRig {
  static final String CHROMIUM = "/usr/bin/chromium";
  private static final long NPM_INSTALL_TIMEOUT_SECONDS = 180;
  private static final AtomicBoolean skipTold = new AtomicBoolean();

  private BrowserRig() {
  }

  /**
   * Skips the calling test, saying what is missing and how to install it — unless {@code CI=true}, where a
   * missing browser fails it ({@code .ci/run} installs it).
   */
  static void assumeInstalled() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(Path.of(CHROMIUM))) missing.add(CHROMIUM + " (Debian: apt-get install chromium)");
    if (onPath("node") == null || onPath("npm") == null) {
      missing.add("node and npm on the PATH (Debian: apt-get install nodejs npm)");
    }
    if (missing.isEmpty()) return;
    String message = "the browser test needs " + String.join(", ", missing);
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true and " + message + "; .ci/run installs them before the tests");
    }
    if (skipTold.compareAndSet(false, true)) System.err.println("browser test skipped: " + message);
    Assumptions.abort("skipped: " + message);
  }

  /**
   * Installs {@code packages} (each {@code name@exact-version}) into {@code dir}/node_modules unless a previous
   * run installed exactly these; returns {@code dir}.
   */
  static Path npmInstall(Path dir, List<String> packages) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path marker = dir.resolve("installed.txt");
    String wanted = String.join("\n", packages);
    if (Files.isRegularFile(marker) && Files.readString(marker).equals(wanted)) return dir;
    Files.writeString(dir.resolve("package.json"), "{\"private\":true,\"description\":\"browser test rig\"}\n");
    List<String> command = new ArrayList<>(List.of(onPath("npm").toString(), "install", "--no-audit", "--no-fund",
        "--no-package-lock", "--no-save", "--loglevel=error"));
    command.addAll(packages);
    Path log = dir.resolve("npm-install.log");
    ProcessBuilder npm = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    npm.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    Process process = npm.start();
    if (!process.waitFor(NPM_INSTALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("npm install took over " + NPM_INSTALL_TIMEOUT_SECONDS + " s: " + tail(log));
    }
    if (process.exitValue() != 0) {
      throw new IOException("npm install " + packages + " exited " + process.exitValue() + ": " + tail(log));
    }
    Files.writeString(marker, wanted);
    return dir;
  }

  /** The executable {@code name} on the {@code PATH}, or null. */
  static Path onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isEmpty()) continue;
      Path candidate = Path.of(entry, name);
      if (Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }

  /** A test resource's bytes. */
  static byte[] resource(String name) {
    try (InputStream in = BrowserRig.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("no test resource " + name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The last lines of a log file, for a failure message. */
  static String tail(Path log) throws IOException {
    if (!Files.isRegularFile(log)) return "(no output)";
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
  }
}
