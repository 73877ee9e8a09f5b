package dev.silentrefresh.cli;

import static dev.silentrefresh.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code soak} in-process on short runs: its figures, its verdict, and bad input. */
class SoakCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void faultsOfEveryKindLoseNoSessionReuseNoTokenAndHangNoRequest() throws Exception {
    Path json = dir.resolve("soak.json");
    Path report = dir.resolve("soak.html");
    // 40 % of the tries faulted: with this seed every kind is drawn within 100 expiries, and some refreshes fail every try
    CliRun r = run("soak", "--expiries", "100", "--faults", "0.4", "--seed", "7", "--users", "8",
        "--json", json.toString(), "--report", report.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode f = JSON.readTree(json.toFile());
    assertThat(f.get("expiries").asLong()).isEqualTo(100);
    assertThat(f.get("sessionsLost").asLong()).isZero();
    assertThat(f.get("reuseDetected").asLong()).isZero();
    assertThat(f.get("hung").asLong()).isZero();
    assertThat(f.get("problems")).isEmpty();
    assertThat(f.get("refreshCalls").asLong()).as("one refresh per expiry at least, more after failed ones")
        .isGreaterThanOrEqualTo(100);
    List<String> kinds = new ArrayList<>();
    f.get("injectedFaults").fieldNames().forEachRemaining(kinds::add);
    assertThat(kinds).as("every kind injected").containsExactlyInAnyOrderElementsOf(
        FaultPlan.KINDS.stream().map(FaultPlan::kindName).toList());
    long failedByReason = 0;
    for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) f.get("failedBy")::fields) {
      assertThat(e.getKey()).as("a request failed only when faults outlasted the retries").startsWith("refresh failed: ");
      failedByReason += e.getValue().asLong();
    }
    assertThat(failedByReason).isEqualTo(f.get("failed").asLong());
    assertThat(f.get("failed").asLong() == 0).as("failed requests iff a refresh failed after every try")
        .isEqualTo(f.get("refreshesFailed").asLong() == 0);
    assertThat(f.get("runs")).hasSize(1);
    assertThat(f.get("p99Millis").asLong()).isPositive();
    assertThat(Files.readString(report)).contains("<svg").contains("hang_after_commit").contains("No session lost");
  }

  /** Without a grace window, a retry after a reply lost past the rotation presents a spent token: the soak says so. */
  @Test
  void aServerWithoutAGraceWindowLosesTheSessionAndTheSoakFailsSayingSo() throws Exception {
    Path json = dir.resolve("nograce.json");
    CliRun r = run("soak", "--expiries", "60", "--faults", "1", "--grace", "0", "--seed", "3", "--users", "4",
        "--json", json.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(1);
    JsonNode f = JSON.readTree(json.toFile());
    assertThat(f.get("reuseDetected").asLong()).isPositive();
    assertThat(f.get("sessionsLost").asLong()).isPositive();
    assertThat(r.out()).contains("Problems:").contains("reuse detection");
  }

  @Test
  void everyClientRunsAndTheTotalsAddUp() throws Exception {
    Path json = dir.resolve("all.json");
    CliRun r = run("soak", "--client", "all", "--expiries", "20", "--faults", "0.05", "--seed", "11", "--users", "4",
        "--json", json.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode f = JSON.readTree(json.toFile());
    assertThat(f.get("runs")).hasSize(5);
    long requests = 0;
    for (JsonNode run : f.get("runs")) {
      assertThat(run.get("expiries").asLong()).isEqualTo(20);
      requests += run.get("requests").asLong();
    }
    assertThat(f.get("expiries").asLong()).isEqualTo(100);
    assertThat(f.get("requests").asLong()).isEqualTo(requests);
  }

  /** Two processes share each run's session in Redis: faults, and still no session lost and no token reused. */
  @Test
  void aFleetOfTwoProcessesOnRedisSurvivesTheFaultsToo() throws Exception {
    String redis = TestRedis.require();
    Path json = dir.resolve("fleet.json");
    CliRun r = run("soak", "--fleet", "2", "--redis", redis, "--expiries", "40", "--faults", "0.3", "--seed", "5",
        "--users", "6", "--json", json.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode f = JSON.readTree(json.toFile());
    assertThat(f.get("expiries").asLong()).isEqualTo(40);
    assertThat(f.get("sessionsLost").asLong()).isZero();
    assertThat(f.get("reuseDetected").asLong()).isZero();
    assertThat(f.get("hung").asLong()).isZero();
    assertThat(f.get("injectedFaults").size()).isPositive();
    assertThat(f.get("runs").get(0).get("client").asText()).isEqualTo("jdk × 2 processes");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--fleet 2|--fleet needs --redis URI",
      "--redis redis://127.0.0.1:6379|--redis needs --fleet P",
      "--faults 1.5|--faults must be a rate from 0 to 1",
      "--faults -0.1|--faults must be a rate from 0 to 1",
      "--expiries 0|--expiries must be between 1 and",
      "--client curl|curl",
      "--dialect oauth3|unknown dialect 'oauth3'",
      "--grace -1|--grace must be from 0 to 86400",
      "--users 0|--users must be between 1 and"})
  void badInputIsAUsageErrorNamingTheOption(String args, String message) {
    List<String> argv = new ArrayList<>(List.of("soak"));
    argv.addAll(List.of(args.split(" ")));
    CliRun r = run(argv.toArray(new String[0]));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(message);
  }
}
