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
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One observation per refresh, ended with its outcome, against the reference server over loopback. */
class SessionObservationsTest {
  /** Every observation stopped, and the events seen. */
  private static final class Recorder implements ObservationHandler<Observation.Context> {
    final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onStop(Observation.Context context) {
      stopped.add(context);
    }

    @Override
    public void onEvent(Observation.Event event, Observation.Context context) {
      events.add(event.getName());
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }

    String outcome(int i) {
      KeyValue kv = stopped.get(i).getLowCardinalityKeyValue("outcome");
      return kv == null ? null : kv.getValue();
    }
  }

  @Test
  void aBurstIsOneObservationAndEachOutcomeIsRecorded() throws Exception {
    Recorder recorder = new Recorder();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(recorder);
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      HttpClient plain = HttpClient.newHttpClient();
      TokenSession session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain))
          .retry(2, Duration.ofMillis(1), Duration.ofMillis(5))
          .listener(SessionObservations.of(registry, "api")).build();
      HttpClient client = JdkRefreshClient.wrap(plain, session);
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());

      List<CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        burst.add(client.sendAsync(HttpRequest.newBuilder(server.apiUri("/api/me")).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : burst) assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(recorder.stopped).hasSize(1);
      assertThat(recorder.outcome(0)).isEqualTo("refreshed");
      assertThat(recorder.stopped.get(0).getName()).isEqualTo(SessionObservations.NAME);
      assertThat(recorder.stopped.get(0).getLowCardinalityKeyValue("session").getValue()).isEqualTo("api");

      server.expireAccessTokens();
      server.faults().failNext(Endpoint.REFRESH, Faults.Fault.SERVER_ERROR, 2);
      Throwable failed = catchThrowable(() -> client.send(HttpRequest.newBuilder(server.apiUri("/api/me")).build(),
          HttpResponse.BodyHandlers.ofString()));
      assertThat(failed).isInstanceOf(RefreshFailedException.class);
      assertThat(recorder.stopped).hasSize(2);
      assertThat(recorder.outcome(1)).isEqualTo("failed");
      assertThat(recorder.stopped.get(1).getError()).isInstanceOf(RefreshFailedException.class);
      assertThat(recorder.events).containsExactly("retry");

      server.revokeAllRefreshTokens();
      assertThat(catchThrowable(() -> client.send(HttpRequest.newBuilder(server.apiUri("/api/me")).build(),
          HttpResponse.BodyHandlers.ofString()))).isInstanceOf(LoginRequiredException.class);
      assertThat(recorder.stopped).hasSize(3);
      assertThat(recorder.outcome(2)).isEqualTo("dead");
    }
  }

  @Test
  void badArgumentsAreRefused() {
    assertThat(catchThrowable(() -> SessionObservations.of(null, "x"))).hasMessageContaining("registry");
    assertThat(catchThrowable(() -> SessionObservations.of(ObservationRegistry.create(), ""))).hasMessageContaining("sessionName");
  }
}
