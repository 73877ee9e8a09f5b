package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** What is specific to WebClient: laziness, cancellation, never blocking, streaming bodies, redirects. */
class WebClientRefreshFilterTest {
  private static final ConnectionProvider CONNECTIONS = ConnectionProvider.builder("filter-test")
      .maxConnections(200).pendingAcquireMaxCount(-1).build();
  private static final HttpClient NETTY = HttpClient.create(CONNECTIONS);

  private static WebClient.Builder builder() {
    return WebClient.builder().codecs(c -> c.defaultCodecs().maxInMemorySize(1024 * 1024));
  }

  @AfterAll
  static void disposeConnections() {
    CONNECTIONS.dispose();
  }

  /** A reference server, a session speaking its dialect, and a WebClient with the filter. */
  private static final class World implements AutoCloseable {
    final AuthServer server;
    final TokenSession session;
    final WebClient client;

    World(Profile profile, Consumer<AuthServer.Builder> options, URI... alsoInScope) {
      AuthServer.Builder sb = AuthServer.builder(profile);
      options.accept(sb);
      server = sb.start();
      TokenSession.Builder b = TokenSession.builder(server.dialect(), WebClientRefreshTransport.of(NETTY));
      if (alsoInScope.length > 0) b.scope(server.baseUri()).scope(alsoInScope);
      session = b.build();
      client = WebClientRefreshFilter.install(builder(), NETTY, session).build();
    }

    World signedInExpired() throws IOException {
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      return this;
    }

    World signedIn() throws IOException {
      session.signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
      return this;
    }

    /** GET {@code uri}: status and body, whatever the status. */
    Mono<Integer> status(URI uri) {
      return client.get().uri(uri).exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()));
    }

    @Override
    public void close() {
      server.close();
    }
  }

  @Test
  void nothingIsSentBeforeSubscription() throws Exception {
    try (World w = new World(Profile.OAUTH2, s -> {}).signedInExpired()) {
      Mono<Integer> call = w.status(w.server.apiUri("/api/me"));
      assertThat(w.server.counters().apiRequests()).isZero();
      assertThat(w.server.counters().refreshCalls()).isZero();
      assertThat(call.block(Duration.ofSeconds(10))).isEqualTo(200);
      assertThat(w.server.counters().apiRequests()).isEqualTo(2);
      assertThat(call.block(Duration.ofSeconds(10))).as("each subscription is a new call").isEqualTo(200);
      assertThat(w.server.counters().apiRequests()).isEqualTo(3);
    }
  }

  @Test
  void cancellingTheRequestThatTriggeredARefreshDoesNotCancelItForOthers() throws Exception {
    try (World w = new World(Profile.CODE_401, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(300))).signedInExpired()) {
      Disposable first = w.status(w.server.apiUri("/api/me")).subscribe();
      await().atMost(5, TimeUnit.SECONDS).until(() -> w.server.counters().refreshCalls() == 1);
      first.dispose();
      List<CompletableFuture<Integer>> others = new ArrayList<>();
      for (int i = 0; i < 10; i++) others.add(w.status(w.server.apiUri("/api/me")).toFuture());
      for (CompletableFuture<Integer> o : others) assertThat(o.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      assertThat(w.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(w.server.counters().refreshSucceeded()).isEqualTo(1);
      assertThat(w.server.counters().apiRequests()).as("the cancelled request was not replayed").isEqualTo(11);
    }
  }

  @Test
  void requestsWaitingForARefreshHoldNoThread() throws Exception {
    try (World w = new World(Profile.OAUTH2, s -> s.latency(Endpoint.REFRESH, Duration.ofSeconds(2))).signedInExpired()) {
      URI me = w.server.apiUri("/api/me");
      CompletableFuture<Integer> first = w.status(me).toFuture();
      await().atMost(5, TimeUnit.SECONDS).until(() -> w.server.counters().refreshCalls() == 1);
      // The refresh now takes 2 s on the server. Subscribing from this one thread must not wait for it.
      List<CompletableFuture<Integer>> waiting = new ArrayList<>();
      for (int i = 0; i < 50; i++) waiting.add(w.status(me).toFuture());
      assertThat(w.server.counters().refreshSucceeded()).as("the refresh is still in flight").isZero();
      assertThat(waiting).noneMatch(CompletableFuture::isDone);
      await().atMost(5, TimeUnit.SECONDS).until(() -> w.session.waitingForRefresh() == 51);
      assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      for (CompletableFuture<Integer> f : waiting) assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(200);
      assertThat(w.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(w.session.waitingForRefresh()).isZero();
    }
  }

  @Test
  void aChunkedReplyLongerThanThePeekLimitReachesTheCallerIntact() throws Exception {
    byte[] big = Loopback.bigJson(200 * 1024);
    try (Loopback api = Loopback.chunkedJson(big); World w = new World(Profile.CODE_50014, s -> {}, api.origin()).signedIn()) {
      assertThat(SessionCalls.of(w.session).wantsBody(200, "application/json", -1)).as("a body-code dialect peeks at 200").isTrue();
      byte[] whole = w.client.get().uri(api.uri("/whole")).retrieve().bodyToMono(byte[].class).block(Duration.ofSeconds(10));
      assertThat(whole).isEqualTo(big);
      // A slow reader, one buffer at a time: the rest of the stream is read only as fast as it asks.
      byte[] trickled = w.client.get().uri(api.uri("/trickle")).exchangeToMono(r -> r.bodyToFlux(DataBuffer.class)
              .limitRate(1)
              .collect(ByteArrayOutputStream::new, (out, buffer) -> {
                byte[] chunk = new byte[buffer.readableByteCount()];
                buffer.read(chunk);
                DataBufferUtils.release(buffer);
                out.write(chunk, 0, chunk.length);
              })
              .map(ByteArrayOutputStream::toByteArray))
          .block(Duration.ofSeconds(10));
      assertThat(trickled).isEqualTo(big);
      assertThat(api.sawHeader("/whole", "X-Token")).isTrue();
    }
  }

}
