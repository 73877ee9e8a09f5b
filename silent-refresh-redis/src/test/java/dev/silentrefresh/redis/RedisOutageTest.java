package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.CoordinationUnavailableException;
import dev.silentrefresh.spi.RefreshLock;
import java.io.IOException;
import dev.silentrefresh.jdk.JdkRefreshClient;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Redis lost mid-run: two nodes (sessions, each with its own {@link RedisTokenStore} and Lettuce client, as two
 * processes would have) share one session on a {@code redis-server} of the test's own, against the reference
 * server with rotation, reuse detection and no grace window. The test stops that Redis; expiries with 50
 * concurrent requests on one node are then refreshed under that node's own single flight (the server counts one
 * refresh per expiry, every request succeeds), and the node says so once (one WARNING, one
 * {@code coordinationLost}). When Redis is started again on the same port, the node says so once
 * ({@code coordinationRestored}), writes the tokens it kept in memory at the version they were refreshed from,
 * and the other node takes them from the change notice before it sends a request: no refresh of its own, no
 * rejected request. The next expiry, with requests on both nodes, is one refresh again. No reuse is ever detected.
 *
 * <p>Run twice: with a Redis that keeps its data across the restart (append-only file), and with one that loses
 * it (no persistence), which loses the shared copy of the session. Then the store is empty (version 0) when it
 * comes back; nodes ignore that (it is older than what they hold) and keep using their tokens, and the first
 * write of a node that holds the session re-seeds it: an absent key takes a compare-and-set at the writer's
 * version (see {@link RedisTokenStore}), so the new version is past the one every node holds and they adopt it.
 * Here that write is the outage node's save of its unsaved tokens, and everything else is the same. (Before that
 * rule, the save was refused forever, the node kept its tokens unsaved, and the other node refreshed with the
 * refresh token the outage refresh had spent: reuse detected, family revoked.)
 */
class RedisOutageTest {
  private static final int REQUESTS = 50;

  /** One node: its store, session, HTTP client and what its listener was told. */
  private static final class Node {
    final RedisTokenStore store;
    final TokenSession session;
    final HttpClient http;
    final List<String> coordination = new CopyOnWriteArrayList<>();
    final AtomicInteger refreshed = new AtomicInteger();
    final AtomicInteger adopted = new AtomicInteger();
    final AtomicInteger loginRequired = new AtomicInteger();

    Node(String redisUri, String name, AuthServer server) {
      this.store = RedisTokenStore.builder(redisUri, name).build();
      HttpClient plain = HttpClient.newHttpClient();
      this.session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain)).store(store)
          .listener(new SessionListener() {
            @Override
            public void refreshed(Instant newExpiry, Duration took, boolean wasAdopted) {
              (wasAdopted ? adopted : refreshed).incrementAndGet();
            }

            @Override
            public void coordinationLost(String reason) {
              coordination.add("lost: " + reason);
            }

            @Override
            public void coordinationRestored() {
              coordination.add("restored");
            }

            @Override
            public void loginRequired(LoginRequiredException reason) {
              loginRequired.incrementAndGet();
            }
          }).build();
      this.http = JdkRefreshClient.wrap(plain, session);
    }
  }

  private final List<LogRecord> engineLog = new CopyOnWriteArrayList<>();
  private final Logger logger = Logger.getLogger(TokenSession.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      engineLog.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private OwnRedis redis;
  private AuthServer server;
  private final List<Node> nodes = new ArrayList<>();

  @BeforeEach
  void captureLog() {
    logger.addHandler(capture);
  }

  @AfterEach
  void stop() throws Exception {
    logger.removeHandler(capture);
    nodes.forEach(n -> n.store.close());
    if (server != null) server.close();
    if (redis != null) redis.close();
  }

  /** {@link #REQUESTS} requests at once on each of {@code on}; returns how many did not get a 200. */
  private int burst(Node... on) throws Exception {
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (Node n : on) {
      for (int i = 0; i < REQUESTS; i++) {
        all.add(n.http.sendAsync(HttpRequest.newBuilder(server.apiUri("/api/me")).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
    }
    int failed = 0;
    for (CompletableFuture<HttpResponse<String>> f : all) {
      try {
        if (f.get(60, TimeUnit.SECONDS).statusCode() != 200) failed++;
      } catch (ExecutionException e) {
        failed++;
      }
    }
    return failed;
  }

  private long warnings() {
    return engineLog.stream().filter(r -> r.getLevel() == Level.WARNING).count();
  }

  @ParameterizedTest(name = "Redis keeps its data across the restart: {0}")
  @ValueSource(booleans = {true, false})
  void aNodeRefreshesAloneWhileRedisIsDownSaysSoOnceAndTheOtherAdoptsItsTokensWhenRedisIsBack(boolean persistent)
      throws Exception {
    redis = OwnRedis.start(persistent);
    server = AuthServer.builder(Profile.OAUTH2).rotation(true).reuseDetection(true).grace(Duration.ZERO).start();
    String name = LocalRedis.uniqueSession();
    Node a = new Node(redis.uri(), name, server);
    Node b = new Node(redis.uri(), name, server);
    nodes.add(a);
    nodes.add(b);
    a.session.signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
    assertThat(burst(a, b)).isZero();
    long versionBefore = a.store.read().version();

    redis.stop();
    for (int e = 1; e <= 2; e++) {
      server.expireAccessTokens();
      assertThat(burst(a)).as("failed requests at expiry %d with Redis down", e).isZero();
      assertThat(server.counters().refreshCalls()).as("one refresh per expiry").isEqualTo(e);
    }
    assertThat(a.coordination).hasSize(1);
    assertThat(a.coordination.get(0)).startsWith("lost: Redis at " + redis.uri() + " cannot be reached");
    assertThat(b.coordination).as("the idle node needed no lock").isEmpty();
    assertThat(warnings()).as("one WARNING for the outage").isEqualTo(1);
    assertThat(engineLog.stream().filter(r -> r.getLevel() == Level.WARNING).findFirst().orElseThrow().getMessage())
        .contains(redis.uri());

    long rejectedBeforeRestart = server.counters().rejectedRequests();
    redis.start();
    Awaitility.await().atMost(Duration.ofSeconds(60))
        .until(() -> a.coordination.contains("restored") && b.adopted.get() == 1);
    assertThat(a.coordination).hasSize(2).endsWith("restored");
    assertThat(a.store.read().version()).as("the tokens kept in memory, written at the version they came from")
        .isEqualTo(versionBefore + 1);
    assertThat(b.session.isSignedIn()).isTrue();

    assertThat(burst(b)).as("the other node uses the tokens refreshed while Redis was down").isZero();
    assertThat(server.counters().rejectedRequests()).isEqualTo(rejectedBeforeRestart);
    assertThat(server.counters().refreshCalls()).as("no refresh of its own").isEqualTo(2);

    server.expireAccessTokens();
    assertThat(burst(a, b)).isZero();
    assertThat(server.counters().refreshCalls()).as("one refresh for both nodes again").isEqualTo(3);

    assertThat(server.counters().reuseDetected()).isZero();
    assertThat(server.counters().familiesRevoked()).isZero();
    assertThat(server.counters().refreshRejected()).isZero();
    assertThat(a.loginRequired.get() + b.loginRequired.get()).isZero();
    assertThat(a.coordination).hasSize(2);
    assertThat(b.coordination).isEmpty();
    assertThat(warnings()).isEqualTo(1);
    assertThat(engineLog).filteredOn(r -> r.getLevel() == Level.INFO).hasSize(1);
  }

  @Test
  void whileRedisIsDownTheLockSaysSoReadsAndWritesFailNamingItAndListenersAreToldOnceWhenItIsBack() throws Exception {
    redis = OwnRedis.start(false);
    String name = LocalRedis.uniqueSession();
    Tokens tokens = Tokens.of("access-AAAA", "refresh-BBBB");
    try (RedisTokenStore store = RedisTokenStore.builder(redis.uri(), name).build();
        RedisTokenStore strict = RedisTokenStore.builder(redis.uri(), name).localFallback(false).build()) {
      AtomicInteger told = new AtomicInteger();
      store.subscribe(told::incrementAndGet);
      assertThat(store.replace(0, tokens).version()).isEqualTo(1);
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> told.get() == 1); // its own write's notice

      redis.stop();
      Throwable lock = catchThrowable(() -> store.acquire(Duration.ofSeconds(1)));
      assertThat(lock).isInstanceOf(CoordinationUnavailableException.class)
          .hasMessageStartingWith("Redis at " + redis.uri() + " cannot be reached");
      Throwable plain = catchThrowable(() -> strict.acquire(Duration.ofSeconds(1)));
      assertThat(plain).as("without the fallback: a failed refresh").isInstanceOf(IOException.class)
          .isNotInstanceOf(CoordinationUnavailableException.class).hasMessageContaining(redis.uri());
      assertThat(catchThrowable(store::read)).isInstanceOf(IOException.class).hasMessageContaining(redis.uri());
      assertThat(catchThrowable(() -> store.replace(1, tokens))).isInstanceOf(IOException.class)
          .hasMessageContaining(redis.uri());
      for (Throwable t : List.of(lock, plain)) {
        assertThat(t.getMessage()).doesNotContain("AAAA").doesNotContain("BBBB");
      }

      redis.start(); // without its data
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> told.get() == 2);
      RefreshLock.Lease lease = store.acquire(Duration.ofSeconds(10));
      assertThat(lease).isNotNull();
      lease.close();
      assertThat(store.read().isPresent()).as("the shared copy is lost").isFalse();
      assertThat(store.replace(1, tokens).version()).as("the key is absent: a write at the writer's version")
          .isEqualTo(2);
      assertThat(store.replace(1, tokens)).as("then compare-and-set as always").isNull();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> told.get() == 3);
      assertThat(told.get()).as("told once for the reconnection, once per write").isEqualTo(3);
    }
  }

  @Test
  void aSignInOnARedisThatLostItsDataContinuesPastTheVersionsThisStoreSaw() throws Exception {
    redis = OwnRedis.start(false);
    String name = LocalRedis.uniqueSession();
    try (RedisTokenStore store = RedisTokenStore.builder(redis.uri(), name).build()) {
      store.overwrite(Tokens.of("a1", "r1"));
      store.overwrite(Tokens.of("a2", "r2"));
      assertThat(store.read().version()).isEqualTo(2);
      redis.stop();
      redis.start();
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !store.read().isPresent());
      assertThat(store.overwrite(null).version()).as("a sign-out past version 2, so that nodes at 2 take it")
          .isEqualTo(3);
    }
  }
}
