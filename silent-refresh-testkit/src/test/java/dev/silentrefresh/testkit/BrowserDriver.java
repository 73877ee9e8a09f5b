package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One run of {@code drive.mjs} (the {@code browser/} test resource) under Node: one headless Chromium whose pages the
 * test steps through, a command per line on the driver's stdin ({@link #open}, {@link #burst}), a JSON report per
 * step on its stdout. Its stderr (browser messages, tokens redacted) goes to a log file quoted in failures. A daemon
 * thread reads its stdout; the steps are called from one test thread.
 */
final class BrowserDriver implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long one step (the first starts the browser) may take at most: bounds a hung browser, never paces the test. */
  private static final long STEP_TIMEOUT_SECONDS = 90;
  private static final String END = "\u0000end";

  private final Process process;
  private final Path log;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private BrowserDriver(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::readStdout, "browser-driver-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Copies {@code drive.mjs} into {@code packages} (where playwright-core is installed) and starts it. */
  static BrowserDriver start(Path packages) throws IOException {
    Path script = packages.resolve("drive.mjs");
    Files.write(script, BrowserRig.resource("/browser/drive.mjs"));
    Path log = packages.resolve("driver.log");
    ProcessBuilder node = new ProcessBuilder(BrowserRig.onPath("node").toString(), script.toString())
        .directory(packages.toFile()).redirectError(log.toFile());
    node.environment().put("CHROMIUM", BrowserRig.CHROMIUM);
    return new BrowserDriver(node.start(), log);
  }

  /** Opens {@code page} in a new tab, where the front end logs in and calls the API; its report. */
  JsonNode open(URI page) throws Exception {
    send("open " + page);
    return next("signedIn");
  }

  /** Has the open tab's front end call the API {@code calls} times at once, then closes the tab; its report. */
  JsonNode burst(int calls) throws Exception {
    send("burst " + calls);
    return next("burst");
  }

  private JsonNode next(String event) throws Exception {
    String line = lines.poll(STEP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (line == null || line.equals(END)) {
      throw new AssertionError((line == null ? "no '" + event + "' from the browser within " + STEP_TIMEOUT_SECONDS
          + " s" : "the browser driver ended before '" + event + "'") + "; its log:\n" + BrowserRig.tail(log));
    }
    JsonNode report = JSON.readTree(line);
    if (!event.equals(report.path("event").asText()) || report.has("error")) {
      throw new AssertionError("expected '" + event + "', the page reported " + line + "; log:\n" + BrowserRig.tail(log));
    }
    return report;
  }

  private void send(String command) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
  }

  private void readStdout() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = out.readLine()) != null; ) lines.add(line);
    } catch (IOException e) {
      // the process ended: END below tells the waiting step
    }
    lines.add(END);
  }

  /** Ends the driver, which closes the browser it started. */
  @Override
  public void close() throws InterruptedException {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
