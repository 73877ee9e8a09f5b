package dev.silentrefresh.cli;

import static dev.silentrefresh.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Each command in-process on short runs; figures checked against the schema and against each other. */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static void assertNoControlCharacters(String text) {
    assertThat(text.chars().filter(c -> c < 0x20 && c != '\n' && c != '\t')).as("control characters").isEmpty();
  }

  /**
   * Access tokens outlive the run, so every refresh comes from the run's two server-side events, whatever the
   * machine's speed: exactly one refresh absorbs the burst, exactly one meets the ended login.
   */
  @Test
  void demoRunsEveryDialectAndClientWithoutAFailureAndWritesConsistentJsonAndAReport() throws Exception {
    Path json = dir.resolve("out/demo.json");
    Path report = dir.resolve("demo.html");
    CliRun r = run("demo", "--duration", "1", "--users", "10", "--access-ttl", "3600",
        "--json", json.toString(), "--report", report.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("All requests succeeded.").contains("peak refreshes");
    assertNoControlCharacters(r.out());

    JsonNode runs = JSON.readTree(json.toFile()).get("runs");
    assertThat(runs).hasSize(25);
    Set<String> pairs = new TreeSet<>();
    for (JsonNode run : runs) {
      List<String> fields = new ArrayList<>();
      run.fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsExactly("dialect", "client", "requests", "succeeded", "failed", "rejectedReplies",
          "refreshCalls", "peakConcurrentRefreshes", "reuseDetected", "loginRequired", "relogins");
      pairs.add(run.get("dialect").asText() + " " + run.get("client").asText());
      assertThat(run.get("failed").asLong()).isZero();
      assertThat(run.get("requests").asLong()).isPositive().isEqualTo(run.get("succeeded").asLong());
      assertThat(run.get("peakConcurrentRefreshes").asLong()).isEqualTo(1);
      assertThat(run.get("reuseDetected").asLong()).isZero();
      assertThat(run.get("refreshCalls").asLong()).as("the burst's and the ended login's").isEqualTo(2);
      assertThat(run.get("loginRequired").asLong()).isEqualTo(1);
      assertThat(run.get("relogins").asLong()).isEqualTo(1);
    }
    Set<String> expected = new TreeSet<>();
    for (String d : List.of("oauth2", "put-bearer", "code-1002", "code-50014", "code-401")) {
      for (String c : List.of("jdk", "okhttp", "restclient", "resttemplate", "webclient")) expected.add(d + " " + c);
    }
    assertThat(pairs).isEqualTo(expected);

    String html = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(Pattern.compile("<svg").matcher(html).results().count()).isEqualTo(25);
    assertThat(html).doesNotContain("http://").doesNotContain("https://").contains("server expired every access token");
  }

  /**
   * A run far shorter than a round trip, as on a machine with both cores busy: the run goes on until its
   * phases took effect instead of ending before them.
   */
  @Test
  void aRunShorterThanItsPhasesStillShowsTheBurstAndTheRelogin() throws Exception {
    Path json = dir.resolve("short.json");
    CliRun r = run("demo", "--dialect", "code-401", "--client", "jdk", "--duration", "0.01", "--users", "3",
        "--access-ttl", "3600", "--json", json.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode run = JSON.readTree(json.toFile()).get("runs").get(0);
    assertThat(run.get("failed").asLong()).isZero();
    assertThat(run.get("refreshCalls").asLong()).isEqualTo(2);
    assertThat(run.get("loginRequired").asLong()).isEqualTo(1);
    assertThat(run.get("relogins").asLong()).isEqualTo(1);
    assertThat(run.get("reuseDetected").asLong()).isZero();
  }

  @Test
  void theDefaultAccessLifetimeGrowsWithTheMachinesLatency() {
    Duration floor = Duration.ofSeconds(2);
    assertThat(DemoRun.accessTtlFor(Duration.ofMillis(20), floor)).isEqualTo(floor);
    assertThat(DemoRun.accessTtlFor(Duration.ZERO, floor)).isEqualTo(floor);
    // a busy machine: a 700 ms round trip gets 8 s tokens (7 s of margin plus the second exp may lose)
    assertThat(DemoRun.accessTtlFor(Duration.ofMillis(700), floor)).isEqualTo(Duration.ofSeconds(8));
  }

  @Test
  void herdOf300SharesOneRefresh() throws Exception {
    Path json = dir.resolve("herd.json");
    CliRun r = run("herd", "--dialect", "code-50014", "--concurrency", "300", "--json", json.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("refresh calls (server): 1").contains("succeeded: 300").contains("failed: 0");
    JsonNode result = JSON.readTree(json.toFile());
    List<String> fields = new ArrayList<>();
    result.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("dialect", "client", "concurrency", "succeeded", "failed", "refreshCalls",
        "p50Millis", "p99Millis");
    assertThat(result.get("refreshCalls").asLong()).isEqualTo(1);
    assertThat(result.get("succeeded").asLong()).isEqualTo(300);
    assertThat(result.get("p50Millis").asLong()).isLessThanOrEqualTo(result.get("p99Millis").asLong());
  }

  @Test
  void herdThroughEveryClientWritesOneResultPerClient() throws Exception {
    Path json = dir.resolve("herd-all.json");
    CliRun r = run("herd", "--dialect", "oauth2", "--client", "all", "--concurrency", "100", "--json", json.toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    JsonNode runs = JSON.readTree(json.toFile()).get("runs");
    List<String> clients = new ArrayList<>();
    for (JsonNode run : runs) {
      clients.add(run.get("client").asText());
      assertThat(run.get("refreshCalls").asLong()).as(run.toString()).isEqualTo(1);
      assertThat(run.get("succeeded").asLong()).isEqualTo(100);
      assertThat(run.get("failed").asLong()).isZero();
    }
    assertThat(clients).containsExactly("jdk", "okhttp", "restclient", "resttemplate", "webclient");
  }

  @Test
  void serveRunsTheReferenceServerUntilStopped() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), false);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--dialect", "code-401", "--port", "0"));
    org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> out.toString().contains("Press Ctrl-C"));
    String text = out.toString();
    assertThat(text).contains("user: demo / demo-password").contains("curl -s");
    Matcher login = Pattern.compile("login\\s+POST (\\S+)").matcher(text);
    assertThat(login.find()).isTrue();
    HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(login.group(1)))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"demo\",\"password\":\"demo-password\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).contains("accessToken");
    assertThat(serve.server.counters().loginCalls()).isEqualTo(1);
    serve.stop.countDown();
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString()).contains("stopped.");
  }

  @Test
  void serveWithAClientSecretIsAConfidentialClientThatMayUseClientCredentials() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), false);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
        cl.execute("serve", "--dialect", "oauth2", "--port", "0", "--client-secret", "shh"));
    org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> out.toString().contains("Press Ctrl-C"));
    assertThat(out.toString()).contains("(confidential: client_secret_basic or client_secret_post");
    String basic = java.util.Base64.getEncoder().encodeToString("demo-client:shh".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(serve.server.refreshUri())
        .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).contains("access_token");
    serve.stop.countDown();
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void serveTakesFaultRulesAndShowsCountersAndFaultsOverHttp() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), false);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--dialect", "oauth2",
        "--port", "0", "--fault", "api=too_many_requests:30s:x1", "--fault", "refresh=latency:1ms", "--fail-refresh",
        "0.5"));
    org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> out.toString().contains("Press Ctrl-C"));
    String text = out.toString();
    assertThat(text).contains("faults: refresh=server_error:0.5 refresh=latency:1ms api=too_many_requests:30s:x1");
    URI admin = serve.server.adminUri();
    assertThat(text).contains("curl -s " + admin + "counters").contains("curl -s -X POST " + admin + "faults");

    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> api = http.send(HttpRequest.newBuilder(serve.server.apiUri("/api/me")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(api.statusCode()).isEqualTo(429);
    assertThat(api.headers().firstValue("Retry-After")).hasValue("30");

    HttpResponse<String> set = http.send(HttpRequest.newBuilder(admin.resolve("faults"))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"rules\":[\"api=not_json:x1\"]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(serve.server.apiUri("/api/me")).build(),
        HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("OK");

    JsonNode counters = JSON.readTree(http.send(HttpRequest.newBuilder(admin.resolve("counters")).build(),
        HttpResponse.BodyHandlers.ofString()).body());
    java.util.Map<String, Long> overHttp = new java.util.LinkedHashMap<>();
    counters.properties().forEach(f -> overHttp.put(f.getKey(), f.getValue().asLong()));
    assertThat(overHttp).isEqualTo(serve.server.counters().snapshot()).containsEntry("apiRequests", 2L)
        .containsEntry("faultsInjected", 2L);
    serve.stop.countDown();
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void serveHelpDescribesTheFaultGrammarAndTheAdminEndpoint() {
    String help = run("serve", "--help").out().replaceAll("\\s+", " ");
    assertThat(help).contains("--fault=RULE", "ENDPOINT=FAULT[:PART]...", "a percentage (10%) or xN", "too_many_requests_date",
        "connection_reset", "never_answer", "/_admin/", "loopback origins");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bogus                                   | Unmatched argument",
      "demo --bogus                            | Unknown option: '--bogus'",
      "demo --users abc                        | Invalid value for option '--users'",
      "demo --users 0                          | --users must be between 1 and 10000, not 0",
      "demo --dialect nope                     | unknown dialect 'nope'; expected one of: oauth2, put-bearer",
      "demo --client nope                      | unknown client 'nope'; expected one of: jdk",
      "demo --duration -1                      | --duration must be more than 0",
      "herd --client nope                      | unknown client 'nope'; expected one of: jdk, okhttp, restclient",
      "herd --concurrency 0                    | --concurrency must be between 1 and 20000",
      "serve                                   | Missing required option: '--dialect=NAME'",
      "serve --dialect oauth2 --rotation maybe | --rotation must be on or off",
      "serve --dialect oauth2 --fail-refresh 2 | --fail-refresh must be between 0 and 1",
      "serve --dialect all                     | unknown dialect 'all'",
      "serve --dialect code-401 --client-secret x | --client-secret needs --dialect oauth2",
      "serve --dialect oauth2 --fault refresh=server_eror:0.1 | --fault 'refresh=server_eror:0.1': unknown fault 'server_eror'; expected one of: server_error,",
      "serve --dialect oauth2 --fault bogus     | --fault 'bogus': expected ENDPOINT=FAULT[:PART]..., such as refresh=server_error:0.1",
      "serve --dialect oauth2 --fault token=latency:1s | --fault 'token=latency:1s': unknown endpoint 'token'; expected one of: login, refresh, api",
      "serve --dialect oauth2 --fault api=drop_after_commit | --fault 'api=drop_after_commit': DROP_AFTER_COMMIT applies to REFRESH only, not API",
      "serve --dialect oauth2 --fault refresh=server_error:2 | --fault 'refresh=server_error:2': '2': a rate must be within 0..1",
      "serve --dialect oauth2 --fault api=server_error:200ms | --fault 'api=server_error:200ms': '200ms': server_error takes no duration",
      "serve --dialect oauth2 --fault api=latency:200ms:x0 | --fault 'api=latency:200ms:x0': 'x0': xN needs N >= 1",
      "serve --dialect oauth2 --fault api=latency:fast | --fault 'api=latency:fast': 'fast' is neither always, a rate",
      "demo --fleet 2                          | --fleet needs --redis URI",
      "demo --redis redis://127.0.0.1:6379     | --redis needs --fleet N",
      "demo --expiries 5                       | --expiries needs --fleet N --redis URI",
      "demo --fleet abc --redis redis://127.0.0.1:6379 | Invalid value for option '--fleet'",
      "demo --fleet 0 --redis redis://127.0.0.1:6379 | --fleet must be between 1 and 32, not 0",
      "demo --fleet 33 --redis redis://127.0.0.1:6379 | --fleet must be between 1 and 32, not 33",
      "demo --fleet 2 --redis http://127.0.0.1:6379 | --redis must be a Redis URI such as redis://127.0.0.1:6379, not 'http://127.0.0.1:6379': it must start with redis://",
      "demo --fleet 2 --redis 127.0.0.1:6379   | --redis must be a Redis URI such as redis://127.0.0.1:6379, not '127.0.0.1:6379': it must start with redis://",
      "demo --fleet 2 --redis redis://         | not 'redis://': it is not a URI",
      "demo --fleet 2 --redis redis://:6379    | not 'redis://:6379': it names no host",
      "demo --fleet 2 --redis redis://127.0.0.1:70000 | port 70000 is out of range",
      "demo --fleet 2 --redis redis://127.0.0.1:6379/x | there may only be a database number",
      "demo --fleet 2 --redis redis://127.0.0.1:6379 --expiries 0 | --expiries must be between 1 and 1000, not 0",
      "demo --fleet 2 --redis redis://127.0.0.1:6379 --duration 5 | --duration does not apply to --fleet",
      "demo --fleet 2 --redis redis://127.0.0.1:6379 --access-ttl 5 | --access-ttl does not apply to --fleet",
      "demo --fleet 2 --redis redis://127.0.0.1:6379 --users 1001 | --users must be between 1 and 1000, not 1001",
      "demo --fleet 2 --redis redis://127.0.0.1:6379 --client nope | unknown client 'nope'",
  })
  void badUsageExitsTwoWithAOneLineErrorAndTheUsage(String args, String message) {
    CliRun r = run(args.trim().split("\\s+"));
    assertThat(r.exit()).isEqualTo(2);
    String first = r.err().lines().findFirst().orElse("");
    assertThat(first).startsWith("error: ").contains(message);
    assertThat(r.err()).contains("Usage:");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: a command is required").contains("demo").contains("herd").contains("serve");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "demo", "herd", "serve"})
  void everyCommandHasHelp(String command) {
    CliRun r = command.isEmpty() ? run("--help") : run(command, "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("Usage: silent-refresh").contains("--help");
  }

  @Test
  void demoHelpSaysWhatAFleetRunUsesAndTheProcessCommandIsHidden() {
    String demo = run("demo", "--help").out().replaceAll("\\s+", " ");
    assertThat(demo).contains("--fleet=N", "--redis=URI", "--expiries=N", "with --fleet: jdk", "paced by events",
        "--duration and --access-ttl do not apply");
    assertThat(run("--help").out()).doesNotContain("fleet-node");
  }
}
