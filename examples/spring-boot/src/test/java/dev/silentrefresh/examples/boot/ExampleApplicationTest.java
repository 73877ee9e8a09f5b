package dev.silentrefresh.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application, configured by its application.yml, against the reference server with 2-second access
 * tokens, rotation and reuse detection with no grace window: many concurrent callers over several token
 * lifetimes, 0 failures, single-flight refreshes on the server's counters, meters and health over HTTP.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExampleApplicationTest {
  static final AuthServer SERVER = AuthServer.builder(Profile.OAUTH2).accessTtl(Duration.ofSeconds(2))
      .rotation(true).reuseDetection(true).grace(Duration.ZERO).start();

  @DynamicPropertySource
  static void upstream(DynamicPropertyRegistry registry) {
    registry.add("AUTH_URL", () -> SERVER.baseUri().toString().replaceAll("/$", ""));
    registry.add("CLIENT_ID", SERVER::clientId);
    registry.add("API_USER", SERVER::username);
    registry.add("API_PASSWORD", SERVER::password);
  }

  @AfterAll
  static void stop() {
    SERVER.close();
  }

  @LocalServerPort
  int port;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * What {@code /api/me} answers the user, fetched from the server directly with a token of its own. The token lives
   * 2 s, less when minted late in a second: on a busy machine it may expire on its way, so a fresh one is tried.
   */
  private String upstreamBody() throws Exception {
    HttpResponse<String> reply = null;
    for (int attempt = 0; attempt < 5 && (reply == null || reply.statusCode() == 401); attempt++) {
      String token = SERVER.issueTokens(SERVER.username()).accessToken();
      reply = http.send(HttpRequest.newBuilder(SERVER.apiUri("/api/me")).header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }
    assertThat(reply.statusCode()).as("direct /api/me: %s", reply.body()).isEqualTo(200);
    return reply.body();
  }

  @Test
  void manyCallersOverSeveralTokenLifetimesNeverFailAndEachTokenIsRefreshedOnce() throws Exception {
    int callers = 16;
    int lifetimes = 5;
    Duration lifetime = Duration.ofSeconds(2);
    String expected = upstreamBody();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    long enough = started + lifetime.toNanos() * lifetimes;
    long bound = started + TimeUnit.SECONDS.toNanos(60);
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < callers; t++) {
        running.add(pool.submit(() -> {
          // until `lifetimes` token lifetimes have passed and the tokens have been refreshed at least as often
          // (on a busy machine that takes longer: the refresh count paces the run), at most 60 s
          while ((System.nanoTime() < enough || SERVER.counters().refreshCalls() < lifetimes) && System.nanoTime() < bound) {
            try {
              HttpResponse<String> reply = get("/profile");
              if (reply.statusCode() == 200 && reply.body().equals(expected)) {
                ok.incrementAndGet();
              } else {
                failed.incrementAndGet();
                failures.add(reply.statusCode() + " " + reply.body());
              }
            } catch (Exception e) {
              failed.incrementAndGet();
              failures.add(e.toString());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) f.get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    long elapsedNanos = System.nanoTime() - started;
    double elapsedLifetimes = (double) elapsedNanos / lifetime.toNanos();
    long refreshCalls = SERVER.counters().refreshCalls();
    System.out.printf("example: %d callers, %d calls ok, %d failed in %.1f s = %.2f token lifetimes;"
        + " %d refresh calls (%.2f per lifetime); server: %s%n", callers, ok.get(), failed.get(), elapsedNanos / 1e9,
        elapsedLifetimes, refreshCalls, refreshCalls / elapsedLifetimes, SERVER.counters());

    assertThat(failures).as("failed calls").isEmpty();
    assertThat(failed.get()).isZero();
    assertThat(ok.get()).isPositive();
    assertThat(refreshCalls).as("refresh calls (the run stopped after 60 s)").isGreaterThanOrEqualTo(lifetimes);
    assertThat(SERVER.counters().reuseDetected()).as("spent refresh tokens presented").isZero();
    assertThat(SERVER.counters().familiesRevoked()).isZero();
    assertThat(SERVER.counters().peakConcurrentRefreshes()).as("refreshes in the air at once").isEqualTo(1);
    assertThat(SERVER.counters().loginCalls()).as("logins").isEqualTo(1);
    // The server tells a client expires_in in whole seconds, floored: 1 s for these tokens, so the session refreshes
    // about once or twice per token lifetime however many callers there are (the figure that matters for a herd:
    // not one per caller). Loose on purpose, per lifetime rather than per wall-clock second: a busy machine cannot fail it.
    assertThat(refreshCalls).as("refresh calls in %.2f token lifetimes", elapsedLifetimes)
        .isLessThanOrEqualTo((long) Math.ceil(elapsedLifetimes * 8) + 2);

    // the meters over HTTP: refreshes were counted ...
    HttpResponse<String> all = get("/actuator/metrics/silentrefresh.refresh");
    assertThat(all.statusCode()).as("metrics: %s", all.body()).isEqualTo(200);
    assertThat(countIn(all.body())).as("COUNT of silentrefresh.refresh").isPositive();
    // ... and the successful ones agree with the server (a background refresh may still be landing: wait for it)
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> metric = get("/actuator/metrics/silentrefresh.refresh?tag=outcome:refreshed");
      assertThat(metric.statusCode()).isEqualTo(200);
      assertThat(countIn(metric.body())).isEqualTo(SERVER.counters().refreshSucceeded());
    });

    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.statusCode()).as("health: %s", health.body()).isEqualTo(200);
    com.fasterxml.jackson.databind.JsonNode upstream = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(health.body()).at("/components/silentRefresh/components/upstream");
    assertThat(upstream.path("status").asText()).as("health: %s", health.body()).isEqualTo("UP");
    assertThat(upstream.at("/details/signedIn").asBoolean()).isTrue();
  }

  /** The COUNT measurement of a metrics endpoint reply. */
  private static long countIn(String json) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)").matcher(json);
    assertThat(m.find()).as("COUNT in %s", json).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
