package dev.silentrefresh.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import dev.silentrefresh.conformance.Clients;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness itself, on a run far too small to measure anything: the scenarios run end to end against the
 * testkit's server and their JSON has latest.json's schema. The benchmarks proper run in bench/run only.
 */
class HarnessTest {
  /** One round of 100 ms, herds of 5, half a second of steady state: seconds, not minutes. */
  static final Settings TINY = new Settings("tiny", 1, Duration.ofMillis(100), 2, List.of(5), List.of(), Duration.ofMillis(500),
      1, 1, 1, List.of(5), Duration.ofMillis(500), 1, Duration.ofMillis(100));
  private static final Progress QUIET = new Progress(new PrintStream(OutputStream.nullOutputStream()));

  @Test
  void aTinyRunWritesLatestJsonWithTheIssuesSchema(@TempDir Path work) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("only", "overhead,steady,fleet");
    options.put("cli-jar", work.resolve("no-such.jar").toString());
    Map<String, Object> results = new LinkedHashMap<>(Bench.run(TINY, options, work, QUIET));
    List<HerdScenario.Result> herds = new ArrayList<>();
    for (Clients kind : Clients.values()) herds.add(HerdScenario.runInProcess(kind, 5, QUIET));
    results.put("herd", Json.tree(Map.of("rows", herds)).get("rows"));
    results.put("peers", Json.tree(Map.of("rows",
        PeerScenarios.run(new OkHttpAuthenticatorPeer(true), TINY, QUIET))).get("rows"));

    assertThat(LatestJson.problems(results)).isEmpty();
    assertThat(Json.rows(results, "herd")).hasSize(5).allSatisfy(herd -> {
      assertThat(((Number) herd.get("refreshCalls")).longValue()).as("refresh calls of %s", herd.get("client"))
          .isEqualTo(1);
      assertThat(((Number) herd.get("failed")).longValue()).isZero();
    });
    assertThat(Json.rows(results, "peers")).extracting(row -> row.get("scenario"))
        .containsExactly("overhead", "herd", "steady");
    assertThat(results.get("fleet")).asString().contains("skipped");
  }

  @Test
  void theSchemaCheckNamesWhatIsMissing() {
    Map<String, Object> results = Json.tree(Map.of(
        "overhead", Map.of("jdk", 1.0),
        "steady", Map.of("proactive", Map.of("rejected", 0, "refreshCalls", 5, "lifetimes", 5.0)),
        "fleet", Map.of("processes", 4, "expiries", 5),
        "peers", List.of(Map.of("name", "x", "scenario", "herd", "refreshCalls", 1, "failed", 0))));
    assertThat(LatestJson.problems(results)).containsExactlyInAnyOrder(
        "overhead.okhttp is not a number", "overhead.restclient is not a number",
        "overhead.resttemplate is not a number", "overhead.webclient is not a number",
        "steady.reactive is missing", "fleet.refreshCalls is not a number", "peers[0].sessionsLost is missing");
  }

  @Test
  void theReportKeepsWhatIsWrittenByHandAroundTheGeneratedSection(@TempDir Path dir) throws Exception {
    Path doc = dir.resolve("BENCHMARKS.md");
    Files.writeString(doc, "# Benchmarks\n\nBy hand, before.\n\n" + MarkdownReport.BEGIN + "\nold\n"
        + MarkdownReport.END + "\n\nBy hand, after.\n");
    Map<String, Object> results = Json.tree(Map.of("command", "bench/run --quick", "settings", "quick",
        "overhead", Map.of("jdk", 0.98)));
    MarkdownReport.update(doc, results, Map.of(), "../bench/results/");

    String text = Files.readString(doc);
    assertThat(text).startsWith("# Benchmarks\n\nBy hand, before.\n\n" + MarkdownReport.BEGIN)
        .endsWith(MarkdownReport.END + "\n\nBy hand, after.\n")
        .contains("`bench/run --quick`")
        .doesNotContain("\nold\n");
  }

  @Test
  void chartsAreSvgWithOneBarPerValueAndTheTargetLine() {
    String svg = SvgChart.render("Ratio", "", List.of(new SvgChart.Bar("jdk", 0.98, 0.95, 1.01),
        SvgChart.Bar.of("okhttp <5>", 1.0)), 0.99);
    assertThat(svg).startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"").contains("okhttp &lt;5&gt;")
        .contains("target 0.99").endsWith("</svg>\n");
    assertThat(svg.split("fill=\"#4a7ebb\"", -1)).hasSize(3);
  }
}
