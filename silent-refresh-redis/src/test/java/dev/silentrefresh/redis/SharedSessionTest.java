package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.jdk.JdkRefreshClient;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.RedisClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Four sessions, each with its own Redis connections (as four processes would have), share one session in
 * Redis against the reference server with rotation, reuse detection and no grace window: the server sees one
 * refresh per expiry, never a spent refresh token, and every request succeeds. (The same across separate JVMs
 * is the fleet test.)
 */
class SharedSessionTest {
  private static final int NODES = 4;
  private static final int REQUESTS = 100;

  private RedisClient client;
  private String name;
  private AuthServer server;
  private final List<RedisTokenStore> stores = new ArrayList<>();
  private final List<TokenSession> sessions = new ArrayList<>();
  private final List<HttpClient> clients = new ArrayList<>();
  private final AtomicInteger refreshed = new AtomicInteger();
  private final AtomicInteger adopted = new AtomicInteger();

  @BeforeEach
  void start() {
    client = LocalRedis.client();
    name = LocalRedis.uniqueSession();
    server = AuthServer.builder(Profile.OAUTH2).rotation(true).reuseDetection(true).grace(Duration.ZERO).start();
    SessionListener counting = new SessionListener() {
      @Override
      public void refreshed(Instant newExpiry, Duration took, boolean wasAdopted) {
        (wasAdopted ? adopted : refreshed).incrementAndGet();
      }
    };
    for (int i = 0; i < NODES; i++) {
      RedisTokenStore store = RedisTokenStore.builder(client, name).build();
      HttpClient plain = HttpClient.newHttpClient();
      TokenSession session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain))
          .store(store).listener(counting).build();
      stores.add(store);
      sessions.add(session);
      clients.add(JdkRefreshClient.wrap(plain, session));
    }
  }

  @AfterEach
  void stop() {
    stores.forEach(RedisTokenStore::close);
    if (server != null) server.close();
    if (client != null) {
      LocalRedis.delete(client, name);
      client.shutdown();
    }
  }

  /** {@link #REQUESTS} requests at once on every node; returns how many did not get a 200. */
  private int burst() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (HttpClient c : clients) {
      for (int i = 0; i < REQUESTS; i++) {
        all.add(c.sendAsync(HttpRequest.newBuilder(server.apiUri("/api/me")).build(), HttpResponse.BodyHandlers.ofString()));
      }
    }
    int failed = 0;
    for (CompletableFuture<HttpResponse<String>> f : all) {
      try {
        if (f.get(60, TimeUnit.SECONDS).statusCode() != 200) failed++;
      } catch (java.util.concurrent.ExecutionException e) {
        failed++;
      }
    }
    return failed;
  }

  @Test
  void fourNodesSharingOneSessionRefreshOncePerExpiryAndTheOthersAdopt() throws Exception {
    sessions.get(0).signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
    for (TokenSession s : sessions) assertThat(s.isSignedIn()).isTrue();
    assertThat(burst()).isZero();

    int expiries = 10;
    for (int e = 1; e <= expiries; e++) {
      server.expireAccessTokens();
      assertThat(burst()).as("failed requests at expiry %d", e).isZero();
      assertThat(server.counters().refreshCalls()).as("refresh calls after expiry %d", e).isEqualTo(e);
    }
    assertThat(server.counters().reuseDetected()).isZero();
    assertThat(server.counters().familiesRevoked()).isZero();
    assertThat(server.counters().peakConcurrentRefreshes()).isEqualTo(1);
    assertThat(refreshed.get()).isEqualTo(expiries);
    assertThat(adopted.get()).as("the other nodes took the new tokens from Redis").isEqualTo(expiries * (NODES - 1));
  }

  @Test
  void aSignOutOnOneNodeReachesTheOthersBeforeTheirNextRequestIsSent() throws Exception {
    sessions.get(0).signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
    assertThat(burst()).isZero();
    long sent = server.counters().apiRequests();
    sessions.get(1).signOut();
    // their access tokens are still valid at the server: only the store's message can stop them being used
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (TokenSession s : sessions) assertThat(s.isSignedIn()).isFalse();
    });
    for (int i = 0; i < NODES; i++) {
      HttpClient c = clients.get(i);
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> c.send(
          HttpRequest.newBuilder(server.apiUri("/api/me")).build(), HttpResponse.BodyHandlers.ofString()));
      assertThat(t).isInstanceOf(dev.silentrefresh.LoginRequiredException.class);
    }
    assertThat(server.counters().apiRequests()).as("no request went out after the sign-out").isEqualTo(sent);
    assertThat(server.counters().refreshCalls()).isZero();
  }

  @Test
  void tokensRefreshedOnOneNodeReachTheOthersWithoutARejectedRequest() throws Exception {
    sessions.get(0).signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
    assertThat(burst()).isZero();
    server.expireAccessTokens();
    HttpClient first = clients.get(0);
    assertThat(first.send(HttpRequest.newBuilder(server.apiUri("/api/me")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    long rejected = server.counters().rejectedRequests();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> adopted.get() == NODES - 1);
    assertThat(burst()).isZero();
    assertThat(server.counters().rejectedRequests()).as("the other nodes used the new token at once").isEqualTo(rejected);
    assertThat(server.counters().refreshCalls()).isEqualTo(1);
  }
}
