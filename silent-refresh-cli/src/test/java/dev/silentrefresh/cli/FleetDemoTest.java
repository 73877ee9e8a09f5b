package dev.silentrefresh.cli;

import static dev.silentrefresh.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo --fleet} for real: child JVMs sharing one session on the real Redis (skipped when it is not there,
 * failed under CI=true). Nothing is paced by sleeping: the demo paces itself by events, the test waits for outcomes.
 */
class FleetDemoTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PIDS = Pattern.compile("Started \\d+ process(?:es)? \\(pid ([\\d, ]+)\\)\\.");
  /** What a JWT looks like: header and payload in base64url, both starting with '{"'. */
  private static final Pattern JWT = Pattern.compile("eyJ[\\w-]+\\.eyJ[\\w-]+");

  @TempDir Path dir;

  private static List<Long> pids(String out) {
    Matcher m = PIDS.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    List<Long> pids = new ArrayList<>();
    for (String p : m.group(1).split(",\\s*")) pids.add(Long.parseLong(p));
    return pids;
  }

  private static void assertAllGone(List<Long> pids) {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (long pid : pids) assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
    });
  }

  private static List<String> demoKeys(String redis) {
    RedisClient client = RedisClient.create(redis);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().keys("silent-refresh:{" + FleetDemo.SESSION_PREFIX + "*");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void twoProcessesRefreshOncePerExpiryAndWriteTheirFiguresAndAReport() throws Exception {
    String redis = TestRedis.require();
    Path json = dir.resolve("out/fleet.json");
    Path report = dir.resolve("fleet.html");
    CliRun r = run("demo", "--fleet", "2", "--redis", redis, "--dialect", "code-50014", "--users", "4",
        "--json", json.toString(), "--report", report.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("code-50014 \u00b7 jdk: 10 expiries, 10 refresh calls, 0 reuse detected")
        .contains("All requests succeeded; one refresh call per expiry (10 in all)");
    assertThat(r.out().chars().filter(c -> c < 0x20 && c != '\n')).as("control characters").isEmpty();

    JsonNode runs = JSON.readTree(json.toFile()).get("runs");
    assertThat(runs).hasSize(1);
    JsonNode run = runs.get(0);
    List<String> fields = new ArrayList<>();
    run.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("dialect", "client", "requests", "succeeded", "failed", "rejectedReplies",
        "refreshCalls", "peakConcurrentRefreshes", "reuseDetected", "loginRequired", "relogins", "expiries",
        "familiesRevoked", "processes");
    assertThat(run.get("client").asText()).isEqualTo("jdk");
    assertThat(run.get("expiries").asLong()).isEqualTo(10);
    assertThat(run.get("refreshCalls").asLong()).isEqualTo(run.get("expiries").asLong());
    assertThat(run.get("reuseDetected").asLong()).isZero();
    assertThat(run.get("familiesRevoked").asLong()).isZero();
    assertThat(run.get("failed").asLong()).isZero();
    assertThat(run.get("peakConcurrentRefreshes").asLong()).isEqualTo(1);
    assertThat(run.get("requests").asLong()).isPositive().isEqualTo(run.get("succeeded").asLong());

    JsonNode processes = run.get("processes");
    assertThat(processes).hasSize(2);
    long requests = 0, refreshed = 0;
    for (int i = 0; i < processes.size(); i++) {
      JsonNode p = processes.get(i);
      assertThat(p.get("process").asInt()).isEqualTo(i + 1);
      assertThat(p.get("failed").asLong()).isZero();
      assertThat(p.get("requests").asLong()).isPositive().isEqualTo(p.get("succeeded").asLong());
      // every expiry brought each process new tokens once: refreshed by it, or adopted from the other
      assertThat(p.get("refreshed").asLong() + p.get("adopted").asLong()).as(p.toString()).isEqualTo(10);
      assertThat(p.get("p50Millis").asLong()).isLessThanOrEqualTo(p.get("p99Millis").asLong());
      requests += p.get("requests").asLong();
      refreshed += p.get("refreshed").asLong();
    }
    assertThat(requests).isEqualTo(run.get("requests").asLong());
    assertThat(refreshed).as("refreshes the processes made: the server's refresh calls").isEqualTo(10);

    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(Pattern.compile("<svg").matcher(html).results().count()).isEqualTo(1);
    assertThat(html).contains("Silent Refresh fleet demo", ">process 1</text>", ">process 2</text>", ">expiry 10</text>",
        ": refreshed (called the server) at ", ": adopted tokens another process refreshed, at ", "<circle");
    for (String text : List.of(r.out(), Files.readString(json), html)) assertThat(JWT.matcher(text).find()).isFalse();

    assertAllGone(pids(r.out()));
    assertThat(demoKeys(redis)).as("the run's session is removed from Redis").isEmpty();
  }

  @Test
  void aProcessThatDiesIsNamedAndTheCommandFailsWithNoProcessLeft() throws Exception {
    String redis = TestRedis.require();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.execute(new PrintWriter(out, true),
        new PrintWriter(err, true), false, "demo", "--fleet", "2", "--redis", redis, "--dialect", "oauth2",
        "--users", "2", "--expiries", "1000"));
    await().atMost(Duration.ofSeconds(180)).until(() -> PIDS.matcher(out.toString()).find() || exit.isDone());
    List<Long> pids = pids(out.toString());

    ProcessHandle.of(pids.get(1)).ifPresent(ProcessHandle::destroyForcibly);

    assertThat(exit.get(180, TimeUnit.SECONDS)).as(out + "\n" + err).isEqualTo(1);
    assertThat(err.toString().lines().toList()).hasSize(1);
    assertThat(err.toString()).startsWith("error: process 2 (pid " + pids.get(1) + ") exited with code ");
    assertAllGone(pids);
    assertThat(demoKeys(redis)).isEmpty();
  }

  @Test
  void anUnreachableRedisIsOneLineNamingItsAddress() {
    CliRun r = run("demo", "--fleet", "2", "--redis", "redis://:hunter2@127.0.0.1:1");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("error: cannot reach Redis at redis://127.0.0.1:1: ").doesNotContain("hunter2");
  }

  @Test
  void aRedisUriIsNeverEchoedWithItsPassword() {
    CliRun r = run("demo", "--fleet", "2", "--redis", "redis://user:hunter2@bad host:6379");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: --redis must be a Redis URI such as redis://127.0.0.1:6379, not 'redis://***@bad host:6379'")
        .doesNotContain("hunter2");
  }
}
