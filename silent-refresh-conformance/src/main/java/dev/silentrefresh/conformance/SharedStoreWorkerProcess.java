package dev.silentrefresh.conformance;

import dev.silentrefresh.testkit.AuthServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SharedStoreWorker} running in a second JVM (same Java, same class path), sharing a token file
 * with this one. {@link #close()} always ends it; it also halts by itself after {@code lifetime}.
 * Threads: one daemon thread reads its output; the other methods are for the test's thread.
 */
public final class SharedStoreWorkerProcess implements AutoCloseable {
  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final Path errors;

  private SharedStoreWorkerProcess(Process process, Path errors) {
    this.process = process;
    this.errors = errors;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) lines.add(line);
      } catch (IOException e) {
        lines.add("error reading worker output: " + e);
      }
    }, "shared-store-worker-output");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts a worker on {@code storeFile} against {@code server}, and waits until it is ready. */
  public static SharedStoreWorkerProcess start(AuthServer server, Path storeFile, Duration lifetime, Duration startTimeout)
      throws IOException, InterruptedException {
    Path errors = Files.createTempFile("shared-store-worker", ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(SharedStoreWorker.class.getName());
    command.add(server.profile().id());
    command.add(server.refreshUri().toString());
    command.add(server.clientId());
    command.add(server.clientCredential());
    command.add(server.apiUri("/api/me").toString());
    command.add(storeFile.toAbsolutePath().toString());
    command.add(Long.toString(Math.max(1, lifetime.toSeconds())));
    Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    SharedStoreWorkerProcess worker = new SharedStoreWorkerProcess(p, errors);
    try {
      worker.awaitLine(SharedStoreWorker.READY, startTimeout);
    } catch (IOException | RuntimeException | InterruptedException e) {
      worker.close();
      throw e;
    }
    return worker;
  }

  /** Tells the worker to send {@code calls} requests at once; read the outcome with {@link #awaitBurst}. */
  public void startBurst(int calls) throws IOException {
    stdin.write("burst " + calls + "\n");
    stdin.flush();
  }

  /** The outcome of the last burst. */
  public BurstOutcome awaitBurst(Duration timeout) throws IOException, InterruptedException {
    String line = awaitLine(SharedStoreWorker.DONE, timeout);
    String[] parts = line.split(" ", 4);
    int ok = Integer.parseInt(parts[1].substring("ok=".length()));
    int failed = Integer.parseInt(parts[2].substring("failed=".length()));
    return new BurstOutcome(ok, failed, parts.length > 3 ? parts[3] : "");
  }

  private String awaitLine(String prefix, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (;;) {
      String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new IOException("the worker said no '" + prefix + "' within " + timeout.toMillis() + " ms (alive="
            + process.isAlive() + "); its stderr: " + errorsSoFar());
      }
      if (line.startsWith(prefix)) return line;
      if (line.startsWith("error")) throw new IOException("worker: " + line + "; its stderr: " + errorsSoFar());
    }
  }

  /** What the worker wrote to stderr so far (at most 4 KiB). */
  public String errorsSoFar() {
    try {
      String s = Files.readString(errors);
      return s.length() > 4096 ? s.substring(0, 4096) + "..." : s;
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** Asks the worker to quit, then destroys it if it has not within a few seconds. Idempotent. */
  @Override
  public void close() {
    try {
      stdin.write("quit\n");
      stdin.flush();
      stdin.close();
    } catch (IOException ignored) {
      // it has gone already
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try {
        Files.deleteIfExists(errors);
      } catch (IOException ignored) {
        // a temp file
      }
    }
  }

  /** What one burst of the worker gave. */
  public static final class BurstOutcome {
    public final int ok;
    public final int failed;
    public final String firstFailure;

    BurstOutcome(int ok, int failed, String firstFailure) {
      this.ok = ok;
      this.failed = failed;
      this.firstFailure = firstFailure;
    }

    @Override
    public String toString() {
      return "ok=" + ok + " failed=" + failed + (firstFailure.isEmpty() ? "" : " first failure: " + firstFailure);
    }
  }
}
