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

  @Test
  void manyCallersOverSeveralTokenLifetimesNeverFailAndEachTokenIsRefreshedOnce() throws Exception {
    int lifetimes = 5;
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    long started = System.nanoTime();
    long bound = started + TimeUnit.SECONDS.toNanos(120);
    ExecutorService callers = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 16; t++) {
        running.add(callers.submit(() -> {
          // until the server has seen the tokens of at least `lifetimes` refreshes expire (bounded in time)
          while (SERVER.counters().refreshCalls() < lifetimes && System.nanoTime() < bound) {
            try {
              HttpResponse<String> reply = get("/profile");
              if (reply.statusCode() == 200 && reply.body().contains(SERVER.username())) {
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
      for (Future<?> f : running) f.get(180, TimeUnit.SECONDS);
    } finally {
      callers.shutdownNow();
    }
    double elapsedSeconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("example: %d calls ok, %d failed in %.1f s; server: %s%n", ok.get(), failed.get(), elapsedSeconds,
        SERVER.counters());

    assertThat(failures).as("failed calls").isEmpty();
    assertThat(failed.get()).isZero();
    assertThat(ok.get()).isPositive();
    assertThat(SERVER.counters().refreshCalls()).as("refresh calls").isGreaterThanOrEqualTo(lifetimes);
    assertThat(SERVER.counters().reuseDetected()).as("spent refresh tokens presented").isZero();
    assertThat(SERVER.counters().familiesRevoked()).isZero();
    assertThat(SERVER.counters().peakConcurrentRefreshes()).as("refreshes in the air at once").isEqualTo(1);
    assertThat(SERVER.counters().loginCalls()).as("logins").isEqualTo(1);
    // The server tells a client expires_in in whole seconds, floored: 1 s for these tokens. The session
    // refreshes ahead of that, so there are at most a few refreshes per second however many callers there are
    // (the figure that matters for a herd: not one per caller). Loose on purpose: a busy machine cannot fail it.
    assertThat(SERVER.counters().refreshCalls()).as("refresh calls in %.1f s", elapsedSeconds)
        .isLessThanOrEqualTo((long) Math.ceil(elapsedSeconds * 4) + 2);

    // the meters agree with the server (a background refresh may still be landing: wait for it)
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      HttpResponse<String> metric = get("/actuator/metrics/silentrefresh.refresh?tag=outcome:refreshed");
      assertThat(metric.statusCode()).isEqualTo(200);
      assertThat(countIn(metric.body())).isEqualTo(SERVER.counters().refreshSucceeded());
    });

    HttpResponse<String> health = get("/actuator/health");
    com.fasterxml.jackson.databind.JsonNode upstream = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(health.body()).at("/components/silentRefresh/components/upstream");
    assertThat(upstream.path("status").asText()).isEqualTo("UP");
    assertThat(upstream.at("/details/signedIn").asBoolean()).isTrue();
  }

  /** The COUNT measurement of a metrics endpoint reply. */
  private static long countIn(String json) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"statistic\":\"COUNT\",\"value\":([0-9.E]+)").matcher(json);
    assertThat(m.find()).as("COUNT in %s", json).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
