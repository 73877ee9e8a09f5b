package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.RedisClient;
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
import org.junit.jupiter.api.Test;

/**
 * The fleet proof: 4 separate JVM processes share one session on the real Redis, each with 100 concurrent
 * requests per expiry, over 10 expiries, against the reference server with rotation, reuse detection and no
 * grace window. The server counts one refresh per expiry (not per process), never a spent refresh token, and
 * every request succeeds.
 */
class FleetProcessTest {
  private static final int PROCESSES = 4;
  private static final int REQUESTS = 100;
  private static final int EXPIRIES = 10;

  /** One child process and its pipes. */
  private static final class Node implements AutoCloseable {
    final Process process;
    final BufferedReader out;
    final PrintWriter in;

    Node(Process process) {
      this.process = process;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
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

    @Override
    public void close() {
      in.println("quit");
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  void fourProcessesSharingOneSessionRefreshOncePerExpiry() throws Exception {
    RedisClient client = LocalRedis.client();
    String session = LocalRedis.uniqueSession();
    List<Node> nodes = new ArrayList<>();
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).rotation(true).reuseDetection(true)
        .grace(Duration.ZERO).start();
        RedisTokenStore signIn = RedisTokenStore.builder(client, session).build()) {
      signIn.overwrite(server.issueTokens(server.username()).toTokensWithoutExpiry());
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      for (int i = 0; i < PROCESSES; i++) {
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            FleetNode.class.getName(), LocalRedis.URI, session, server.baseUri().toString(), server.clientId(),
            Integer.toString(REQUESTS));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        nodes.add(new Node(pb.start()));
      }
      for (Node n : nodes) assertThat(n.await("ready", Duration.ofSeconds(120))).isEqualTo("ready");

      for (Node n : nodes) n.in.println("burst"); // every process signs in from Redis and calls
      for (Node n : nodes) assertThat(n.await("done", Duration.ofSeconds(120))).isEqualTo("done " + REQUESTS + " 0");
      for (int e = 1; e <= EXPIRIES; e++) {
        server.expireAccessTokens();
        for (Node n : nodes) n.in.println("burst");
        for (Node n : nodes) {
          assertThat(n.await("done", Duration.ofSeconds(120))).as("expiry %d", e).isEqualTo("done " + REQUESTS + " 0");
        }
        assertThat(server.counters().refreshCalls()).as("refresh calls after expiry %d", e).isEqualTo(e);
      }
      assertThat(server.counters().reuseDetected()).isZero();
      assertThat(server.counters().familiesRevoked()).isZero();
      assertThat(server.counters().peakConcurrentRefreshes()).isEqualTo(1);
      assertThat(server.counters().apiSucceeded()).isEqualTo((long) PROCESSES * REQUESTS * (EXPIRIES + 1));
    } finally {
      nodes.forEach(Node::close);
      LocalRedis.delete(client, session);
      client.shutdown();
    }
  }
}
