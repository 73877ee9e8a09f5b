package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A backend-for-frontend holding 1,000 users' sessions on Redis ({@code TokenSessions} over
 * {@code RedisTokenStores}), against the reference server with rotation, reuse detection and no grace window:
 * when every access token expires at once, each user's session refreshes once — in one process, across two
 * processes sharing the users, and with a registry too small to hold them all (sessions dropped and made again
 * from Redis mid-burst) — and no reply is ever for another user.
 */
class ManyUsersTest {
  private static final int USERS = 1_000;
  private static final int PER_USER = 2;


  private RedisClient client;
  private String prefix;
  private AuthServer server;

  @BeforeEach
  void start() throws Exception {
    client = LocalRedis.client();
    prefix = "test-" + UUID.randomUUID() + ":";
    server = AuthServer.builder(Profile.OAUTH2).rotation(true).reuseDetection(true).grace(Duration.ZERO).start();
    try (RedisTokenStores stores = RedisTokenStores.builder(client).keyPrefix(prefix).build()) {
      for (int u = 0; u < USERS; u++) {
        String user = ManyUsersNode.user(u);
        stores.forSession(user).overwrite(server.issueTokens(user).toTokensWithoutExpiry());
      }
    }
  }

  @AfterEach
  void stop() {
    if (server != null) server.close();
    if (client == null) return;
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<String> page = c.sync().scan(cursor, ScanArgs.Builder.matches(prefix + "*").limit(1000));
        if (!page.getKeys().isEmpty()) c.sync().del(page.getKeys().toArray(new String[0]));
        cursor = page;
      } while (!cursor.isFinished());
    }
    client.shutdown();
  }

  private ManyUsersNode node(int perUser, int maximumSize) {
    return new ManyUsersNode(RedisTokenStores.builder(client).keyPrefix(prefix).build(), server.baseUri(),
        server.clientId(), USERS, perUser, maximumSize);
  }

  private static void assertAllFine(int[] burst, int perUser, String what) {
    assertThat(burst[2]).as("%s: replies for another user", what).isZero();
    assertThat(burst[1]).as("%s: failed requests", what).isZero();
    assertThat(burst[0]).as("%s: requests ok", what).isEqualTo(USERS * perUser);
  }

  private void assertServerClean() {
    assertThat(server.counters().reuseDetected()).as("spent refresh tokens presented").isZero();
    assertThat(server.counters().familiesRevoked()).isZero();
    assertThat(server.counters().refreshRejected()).isZero();
  }

  @Test
  void aThousandUsersExpiringAtOnceRefreshOnceEachInOneProcess() {
    try (ManyUsersNode node = node(PER_USER, USERS)) {
      assertAllFine(node.burst(), PER_USER, "first use");
      assertThat(server.counters().refreshCalls()).isZero();
      server.expireAccessTokens();
      assertAllFine(node.burst(), PER_USER, "expiry");
      assertThat(server.counters().refreshCalls()).as("refresh calls").isEqualTo(USERS);
      assertThat(node.sessions().size()).isEqualTo(USERS);
      assertThat(node.stores().subscribedChannels()).as("one channel per session held").isEqualTo(USERS);
    }
    assertServerClean();
  }

  @Test
  void aRegistryTooSmallForTheUsersDropsSessionsMidBurstAndStillRefreshesOncePerUser() {
    int bound = 100;
    try (ManyUsersNode node = node(PER_USER, bound)) {
      assertAllFine(node.burst(), PER_USER, "first use");
      server.expireAccessTokens();
      assertAllFine(node.burst(), PER_USER, "expiry");
      // a dropped session's in-flight request and its successor may both see the rejection: the Redis lock and
      // the re-read make the second adopt the first's tokens
      assertThat(server.counters().refreshCalls()).as("refresh calls").isEqualTo(USERS);
      assertThat(node.sessions().evictions()).as("sessions dropped for the bound").isGreaterThanOrEqualTo(USERS - bound);
      assertThat(node.sessions().size()).isLessThanOrEqualTo(bound);
      assertThat(node.stores().subscribedChannels()).as("dropped sessions leave no subscription")
          .isEqualTo(node.sessions().size());
    }
    assertServerClean();
  }

  @Test
  void aThousandUsersSharedByTwoProcessesRefreshOnceEachNotOncePerProcess() throws Exception {
    // one request per user in each process: every user is used by both at the same moment
    try (ManyUsersNode here = node(1, USERS);
        ChildJvm there = ChildJvm.start(ManyUsersNode.class, LocalRedis.URI, prefix, server.baseUri().toString(),
            server.clientId(), Integer.toString(USERS), "1")) {
      assertThat(there.await("ready", Duration.ofSeconds(120))).isEqualTo("ready");
      for (int e = 0; e <= 1; e++) {
        if (e > 0) server.expireAccessTokens();
        there.send("burst");
        int[] mine = CompletableFuture.supplyAsync(here::burst).get();
        assertThat(there.await("done", Duration.ofSeconds(180))).as("the other process, expiry %d; server %s", e, server.counters())
            .isEqualTo("done " + USERS + " 0 0");
        assertAllFine(mine, 1, "this process, expiry " + e);
        assertThat(server.counters().refreshCalls()).as("refresh calls after expiry %d", e).isEqualTo((long) USERS * e);
      }
    }
    assertServerClean();
  }
}
