package dev.silentrefresh.redis;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A {@code redis-server} process of a test's own, on a free port of 127.0.0.1, that the test stops and starts
 * again on the same port. With {@code persistent} its data survives a restart (append-only file, fsync always, in a
 * temporary directory); without, a restart empties it. When no {@code redis-server} binary is on the PATH the
 * test is skipped — except under {@code CI=true}, where it fails.
 */
final class OwnRedis implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final boolean persistent;
  private Process process;

  private OwnRedis(boolean persistent) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      this.port = s.getLocalPort();
    }
    this.dir = Files.createTempDirectory("silent-refresh-redis-");
    this.persistent = persistent;
  }

  /** Starts one (or skips the test when there is no {@code redis-server}). */
  static OwnRedis start(boolean persistent) throws IOException {
    if (!onPath("redis-server")) {
      String message = "no redis-server binary on the PATH: this test starts and stops a Redis of its own";
      if ("true".equals(System.getenv("CI"))) Assertions.fail(message + "; under CI=true this is a failure");
      Assumptions.abort(message + "; skipped");
    }
    OwnRedis redis = new OwnRedis(persistent);
    redis.start();
    return redis;
  }

  private static boolean onPath(String binary) {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String d : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, binary))) return true;
    }
    return false;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server (again, on the same port) and waits until it answers PING. */
  void start() throws IOException {
    List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--dir", dir.toString(), "--save", ""));
    if (persistent) command.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
    else command.addAll(List.of("--appendonly", "no"));
    process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    Awaitility.await("redis-server on port " + port).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
        .until(this::answersPing);
  }

  /** Stops the server (SIGTERM: a clean shutdown, its append-only file complete) and waits until it is gone. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private boolean answersPing() {
    if (!process.isAlive()) throw new IllegalStateException("redis-server exited: see " + dir.resolve("redis.log"));
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = new byte[7];
      int n = in.readNBytes(reply, 0, 5);
      return n == 5 && new String(reply, 0, 5, StandardCharsets.US_ASCII).equals("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    if (process != null && process.isAlive()) {
      try {
        stop();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
