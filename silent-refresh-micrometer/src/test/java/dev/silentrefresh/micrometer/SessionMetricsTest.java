package dev.silentrefresh.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.jdk.JdkRefreshClient;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import dev.silentrefresh.testkit.Profile;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meters agree with the reference server's own counters, over real loopback HTTP. */
class SessionMetricsTest {
  private final MeterRegistry registry = new SimpleMeterRegistry();

  private static final class World implements AutoCloseable {
    final AuthServer server = AuthServer.builder(Profile.OAUTH2).start();
    final HttpClient plain = HttpClient.newHttpClient();
    final SessionMetrics metrics;
    final TokenSession session;
    final HttpClient client;

    World(MeterRegistry registry) {
      metrics = SessionMetrics.of(registry, "api");
      session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain))
          .retry(2, Duration.ofMillis(1), Duration.ofMillis(5)).listener(metrics).build();
      metrics.watch(session);
      client = JdkRefreshClient.wrap(plain, session);
    }

    HttpResponse<String> call() throws Exception {
      return client.send(HttpRequest.newBuilder(server.apiUri("/api/me")).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private double count(String name, String... tags) {
    return registry.get("silentrefresh." + name).tags("session", "api").tags(tags).counter().count();
  }

  private long refreshes(String outcome) {
    return registry.get("silentrefresh.refresh").tags("session", "api", "outcome", outcome).timer().count();
  }

  @Test
  void aBurstOfRejectionsShowsAsOneRefreshAndAReplayPerRejectedReply() throws Exception {
    try (World w = new World(registry)) {
      w.session.signIn(w.server.issueExpiredTokens(w.server.username()).toTokensWithoutExpiry());
      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        burst.add(w.client.sendAsync(HttpRequest.newBuilder(w.server.apiUri("/api/me")).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : burst) assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(refreshes("refreshed")).isEqualTo(w.server.counters().refreshSucceeded()).isEqualTo(1);
      assertThat(count("rejected.replies")).isEqualTo(w.server.counters().rejectedRequests());
      assertThat(count("replays", "outcome", "replayed")).isEqualTo(count("rejected.replies"));
      assertThat(registry.get("silentrefresh.waiting").tags("session", "api").gauge().value()).isZero();
      assertThat(registry.get("silentrefresh.refresh").tags("outcome", "refreshed").timer().totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }
  }

  @Test
  void transientFailuresAndADeadRefreshTokenAreCountedByReason() throws Exception {
    try (World w = new World(registry)) {
      w.session.signIn(w.server.issueExpiredTokens(w.server.username()).toTokensWithoutExpiry());
      w.server.faults().failNext(Endpoint.REFRESH, Faults.Fault.SERVER_ERROR, 2);
      assertThat(catchThrowable(w::call)).isInstanceOf(RefreshFailedException.class);
      assertThat(count("refresh.failures", "reason", "server_error", "retried", "true")).isEqualTo(1);
      assertThat(count("refresh.failures", "reason", "server_error", "retried", "false")).isEqualTo(1);
      assertThat(refreshes("failed")).isEqualTo(1); // one refresh, two tries

      w.server.revokeAllRefreshTokens();
      assertThat(catchThrowable(w::call)).isInstanceOf(LoginRequiredException.class);
      assertThat(count("login.required", "reason", "refresh_rejected")).isEqualTo(1);
      assertThat(refreshes("dead")).isEqualTo(1);
      assertThat(refreshes("refreshed")).isZero();
      assertThat(refreshes("failed")).isEqualTo(1);
      assertThat(registry.getMeters()).allSatisfy(m -> assertThat(m.getId().toString())
          .doesNotContain(w.server.issueTokens(w.server.username()).accessToken()));
    }
  }

  @Test
  void aRefreshThatOutlivesItsDeadlineIsTimedAsFailed() throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      SessionMetrics metrics = SessionMetrics.of(registry, "api");
      TokenSession session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(HttpClient.newHttpClient()))
          .refreshDeadline(Duration.ofMillis(200)).listener(metrics).build();
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      server.faults().holdRefreshReplyAfterCommit(1);
      HttpClient client = JdkRefreshClient.wrap(HttpClient.newHttpClient(), session);
      Throwable t = catchThrowable(() -> client.send(HttpRequest.newBuilder(server.apiUri("/api/me")).build(),
          HttpResponse.BodyHandlers.ofString()));
      assertThat(t).isInstanceOf(RefreshFailedException.class);
      assertThat(((RefreshFailedException) t).reason()).isEqualTo(RefreshFailedException.Reason.TIMEOUT);
      assertThat(count("refresh.failures", "reason", "timeout", "retried", "false")).isEqualTo(1);
      assertThat(refreshes("failed")).isEqualTo(1);
      server.faults().releaseHeldReplies();
    }
  }

  @Test
  void badArgumentsAreRefusedWithAClearMessage() {
    assertThat(catchThrowable(() -> SessionMetrics.of(null, "x"))).hasMessageContaining("registry");
    assertThat(catchThrowable(() -> SessionMetrics.of(registry, ""))).hasMessageContaining("sessionName");
    SessionMetrics metrics = SessionMetrics.of(registry, "x");
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      TokenSession a = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(HttpClient.newHttpClient())).build();
      TokenSession b = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(HttpClient.newHttpClient())).build();
      metrics.watch(a);
      assertThat(catchThrowable(() -> metrics.watch(b))).hasMessageContaining("another session");
    }
  }
}
