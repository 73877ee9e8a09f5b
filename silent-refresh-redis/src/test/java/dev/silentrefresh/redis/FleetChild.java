package dev.silentrefresh.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A {@link FleetNode} child JVM and its pipes: send it a line, read the answer it prints. */
final class FleetChild implements AutoCloseable {
  final Process process;
  private final BufferedReader out;
  private final PrintWriter in;

  private FleetChild(Process process) {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** Starts {@code java -cp <this classpath> FleetNode <args>} (its stderr goes to the test's). */
  static FleetChild start(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), FleetNode.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    return new FleetChild(pb.start());
  }

  void send(String line) {
    in.println(line);
  }

  /** The next line that starts with {@code prefix}, within {@code timeout}. */
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
