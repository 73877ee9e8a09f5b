package dev.silentrefresh.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import dev.silentrefresh.testkit.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.logging.HttpLoggingInterceptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class OkHttpRefreshTransportTest {
  /**
   * The transport is derived from the client that carries the interceptor, and OkHttp's default
   * dispatcher admits only 5 calls per host, all of them blocked waiting for the refresh: the refresh
   * still goes out, once, without the interceptor (through it, it would wait for itself).
   */
  @Test
  void aHerdOnADefaultDispatcherSharesOneRefreshSentWithoutTheInterceptor() throws Exception {
    OkHttpClient plain = new OkHttpClient();
    try (Fixture f = new Fixture(Profile.PUT_BEARER, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(100)), b -> {},
        plain)) {
      assertThat(plain.dispatcher().getMaxRequestsPerHost()).isEqualTo(5);
      OkHttpRefreshTransport fromIntercepted = OkHttpRefreshTransport.of(f.client);
      assertThat(f.client.interceptors()).hasSize(1);
      dev.silentrefresh.TokenSession session = dev.silentrefresh.TokenSession.builder(f.server.dialect(), fromIntercepted).build();
      OkHttpClient client = OkHttpRefreshInterceptor.install(plain.newBuilder(), session).build();
      session.signIn(f.server.issueExpiredTokens(f.server.username()).toTokensWithoutExpiry());

      List<CompletableFuture<Response>> replies = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        replies.add(OkHttpRefreshInterceptorTest.enqueue(client.newCall(new Request.Builder().url(f.me().toString()).build())));
      }
      for (CompletableFuture<Response> r : replies) {
        try (Response response = r.get(20, TimeUnit.SECONDS)) {
          assertThat(response.code()).isEqualTo(200);
        }
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().peakConcurrentRefreshes()).isEqualTo(1);
      assertThat(f.server.counters().apiSucceeded()).isEqualTo(50);
    }
  }

  /**
   * The application logs everything its client does (BODY: the form holding the refresh token and
   * the reply holding the new tokens; BASIC, network too: the refresh URL, which holds the refresh
   * token in some dialects). The refresh client inherits none of it.
   */
  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"OAUTH2", "CODE_401", "CODE_50014"})
  void theApplicationsInterceptorsNeverSeeARefresh(Profile profile) throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    OkHttpClient logged = new OkHttpClient.Builder()
        .addInterceptor(new HttpLoggingInterceptor(log::add).setLevel(HttpLoggingInterceptor.Level.BODY))
        .addInterceptor(new HttpLoggingInterceptor(log::add).setLevel(HttpLoggingInterceptor.Level.BASIC))
        .addNetworkInterceptor(new HttpLoggingInterceptor(log::add).setLevel(HttpLoggingInterceptor.Level.BASIC))
        .build();
    try (Fixture f = new Fixture(profile, s -> {}, b -> {}, logged)) {
      Tokens expired = f.signInExpired();
      try (Response r = f.client.newCall(new Request.Builder().url(f.me().toString()).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      Tokens fresh = SessionCalls.of(f.session).tokenForSend().get();
      assertThat(f.server.counters().refreshSucceeded()).isEqualTo(1);
      assertThat(String.join("\n", log)).as("the application's own call was logged").contains(f.me().getPath())
          .doesNotContain(expired.refreshToken())
          .doesNotContain(fresh.refreshToken())
          .doesNotContain(fresh.accessToken());
    }
  }

  /** A refresh endpoint that never answers: the transport's call ends with a timeout within the deadline. */
  @Test
  void aHungRefreshCallFailsWithATimeoutWithinTheDeadline() throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      server.faults().failAlways(Endpoint.REFRESH, Faults.Fault.DELAY);
      RefreshRequest request = new RefreshRequest("POST", server.refreshUri(), Map.of("Content-Type",
          "application/x-www-form-urlencoded"), "grant_type=refresh_token&refresh_token=x".getBytes(),
          64 * 1024, Duration.ofMillis(300));
      CompletableFuture<?> reply = OkHttpRefreshTransport.of(new OkHttpClient()).execute(request);
      assertThatThrownBy(() -> reply.get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(TimeoutException.class).hasMessageContaining("300 ms");
    }
  }

  /**
   * Five sessions share one transport and their refresh endpoint hangs; a sixth session's refresh on
   * the same host (another port) still goes out at once. OkHttp limits calls per host name, not per
   * port, to 5 by default.
   */
  @Test
  void hungRefreshesOfOtherSessionsDoNotHoldUpAHealthyOne() throws Exception {
    OkHttpClient plain = new OkHttpClient();
    OkHttpRefreshTransport shared = OkHttpRefreshTransport.of(plain);
    try (AuthServer hung = AuthServer.builder(Profile.OAUTH2).start();
        AuthServer healthy = AuthServer.builder(Profile.OAUTH2).start()) {
      hung.faults().failAlways(Endpoint.REFRESH, Faults.Fault.DELAY);
      List<CompletableFuture<Tokens>> stuck = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        TokenSession s = TokenSession.builder(hung.dialect(), shared).refreshTimeout(Duration.ofSeconds(20)).build();
        Tokens t = hung.issueExpiredTokens(hung.username()).toTokensWithoutExpiry();
        s.signIn(t);
        stuck.add(SessionCalls.of(s).refreshAfterRejection(t));
      }
      org.awaitility.Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> hung.counters().refreshCalls() == 5);

      TokenSession ok = TokenSession.builder(healthy.dialect(), shared).refreshTimeout(Duration.ofSeconds(5)).build();
      Tokens expired = healthy.issueExpiredTokens(healthy.username()).toTokensWithoutExpiry();
      ok.signIn(expired);
      Tokens renewed = SessionCalls.of(ok).refreshAfterRejection(expired).get(10, TimeUnit.SECONDS);
      assertThat(renewed.accessToken()).isNotEqualTo(expired.accessToken());
      assertThat(healthy.counters().refreshSucceeded()).isEqualTo(1);
      assertThat(stuck).noneMatch(CompletableFuture::isDone);
    }
  }

  /** Core's deadline reaches the session as a TIMEOUT failure. */
  @Test
  void aSessionWhoseRefreshEndpointHangsFailsWithReasonTimeout() throws Exception {
    try (Fixture f = new Fixture(Profile.CODE_1002, s -> {}, b -> b.refreshTimeout(Duration.ofMillis(300)).retry(1,
        Duration.ZERO, Duration.ZERO))) {
      f.server.faults().failAlways(Endpoint.REFRESH, Faults.Fault.DELAY);
      f.signInExpired();
      assertThatThrownBy(() -> f.client.newCall(new Request.Builder().url(f.me().toString()).build()).execute())
          .isInstanceOf(RefreshFailedException.class)
          .satisfies(e -> assertThat(((RefreshFailedException) e).reason()).isEqualTo(RefreshFailedException.Reason.TIMEOUT));
    }
  }
}
