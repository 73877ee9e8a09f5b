package dev.silentrefresh.redis;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A child JVM running a test's {@code main} on this test's class path, driven by lines over stdin and stdout. */
final class ChildJvm implements AutoCloseable {
  final Process process;
  private final BufferedReader out;
  private final PrintWriter in;

  private ChildJvm(Process process) {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** Starts {@code main} with {@code args}; its stderr goes to this test's. */
  static ChildJvm start(Class<?> main, String... args) throws java.io.IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new ChildJvm(pb.start());
  }

  /** Sends one command line. */
  void send(String line) {
    in.println(line);
  }

  /** The next line that starts with {@code prefix}, within {@code timeout} ("exited N" when the process ended). */
  String await(String prefix, Duration timeout) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) {
          if (line.startsWith(prefix)) return line;
        }
        return "exited " + process.waitFor();
      } catch (Exception e) {
        return "error " + e;
      }
    }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends {@code command} and returns the answer starting with {@code answer}. */
  String ask(String command, String answer, Duration timeout) throws Exception {
    send(command);
    return await(answer, timeout);
  }

  /** Asks it to quit; kills it when it does not within 10 s. */
  @Override
  public void close() {
    if (!process.isAlive()) return;
    in.println("quit");
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
