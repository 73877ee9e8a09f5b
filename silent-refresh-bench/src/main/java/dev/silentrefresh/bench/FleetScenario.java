package dev.silentrefresh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fleet: four processes share one session on Redis while the server expires the access tokens again and again;
 * refresh calls per expiry. The CLI's {@code demo --fleet} does it (its child JVMs, its pacing by events): this runs
 * the CLI's jar against a Redis started here on a free loopback port, and reads the CLI's JSON.
 */
final class FleetScenario {
  static final int PROCESSES = 4;

  private FleetScenario() {}

  /** The fleet's figures, or {@code {"skipped": reason}} when the CLI jar or redis-server is missing. */
  static Map<String, Object> run(Settings settings, Path cliJar, String redisServer, Path work, Progress progress)
      throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("processes", PROCESSES);
    if (!Files.isRegularFile(cliJar)) {
      m.put("skipped", "no CLI jar at " + cliJar + " (bench/run builds it)");
      return m;
    }
    progress.say("fleet: " + PROCESSES + " processes on Redis, " + settings.fleetExpiries() + " expiries");
    int port = freePort();
    Process redis;
    try {
      redis = new ProcessBuilder(redisServer, "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
          "--appendonly", "no").redirectErrorStream(true).redirectOutput(work.resolve("fleet-redis.log").toFile())
          .start();
    } catch (IOException e) {
      m.put("skipped", "redis-server could not be started (" + e.getMessage() + ")");
      return m;
    }
    try {
      awaitPort(port, redis);
      Path json = work.resolve("fleet.json");
      List<String> command = new ArrayList<>(List.of(ChildJvm.java(), "-jar", cliJar.toString(), "demo",
          "--fleet", String.valueOf(PROCESSES), "--redis", "redis://127.0.0.1:" + port, "--dialect", "oauth2",
          "--client", "jdk", "--expiries", String.valueOf(settings.fleetExpiries()),
          "--users", String.valueOf(settings.fleetUsers()), "--json", json.toString()));
      Process cli = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(work.resolve("fleet-cli.log").toFile()).start();
      if (!cli.waitFor(10, TimeUnit.MINUTES)) {
        cli.destroyForcibly();
        throw new IllegalStateException("the fleet demo did not end within 10 minutes");
      }
      m.put("exitCode", cli.exitValue());
      JsonNode run = Json.MAPPER.readTree(json.toFile()).path("runs").path(0);
      m.put("expiries", run.path("expiries").asLong());
      m.put("refreshCalls", run.path("refreshCalls").asLong());
      m.put("refreshPerExpiry", Stats.round(run.path("refreshCalls").asDouble() / run.path("expiries").asDouble(), 2));
      m.put("requests", run.path("requests").asLong());
      m.put("failed", run.path("failed").asLong());
      m.put("reuseDetected", run.path("reuseDetected").asLong());
      m.put("peakConcurrentRefreshes", run.path("peakConcurrentRefreshes").asLong());
      List<Map<String, Object>> processes = new ArrayList<>();
      for (JsonNode p : run.path("processes")) {
        processes.add(Map.of("refreshed", p.path("refreshed").asLong(), "adopted", p.path("adopted").asLong(),
            "requests", p.path("requests").asLong(), "p99Millis", p.path("p99Millis").asLong()));
      }
      m.put("perProcess", processes);
      return m;
    } finally {
      redis.destroy();
      if (!redis.waitFor(10, TimeUnit.SECONDS)) redis.destroyForcibly();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Until Redis accepts connections (it logs nothing we need); fails when it exits first. */
  private static void awaitPort(int port, Process redis) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!redis.isAlive()) throw new IllegalStateException("redis-server exited with " + redis.exitValue());
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        redis.waitFor(50, TimeUnit.MILLISECONDS); // polls a port that has no event to wait on
      }
    }
    throw new IllegalStateException("redis-server did not listen on " + port + " within 30 s");
  }
}
