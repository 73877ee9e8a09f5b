package dev.silentrefresh.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Profile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

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
}
