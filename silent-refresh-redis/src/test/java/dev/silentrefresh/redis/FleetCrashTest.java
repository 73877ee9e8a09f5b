package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The crash test: two JVM processes share one session on the real Redis, against the reference server with
 * rotation, reuse detection and no grace window. Process A takes the fleet's refresh lock and sends its refresh,
 * which the server holds as it arrives, before deciding anything ({@code HANG_BEFORE_COMMIT}); A is then killed
 * ({@code kill -9}: {@link Process#destroyForcibly()}) with the lock held. Process B's requests, started right
 * after, either succeed or fail with {@code RefreshFailedException} {@code TIMEOUT} within B's refresh deadline
 * (plus a slack for a busy machine): none hangs. Once A's lease lapses (3 s, no longer renewed by the dead
 * process; B's deadline is 2 s, shorter than the lease), B takes the lock, refreshes with the refresh token that
 * A's dropped request never spent, and every later request succeeds. The server saw no reuse and revoked nothing,
 * and the session never ended (no {@code loginRequired}).
 *
 * <p>Why the server holds the request rather than letting it commit: a refresh that reached the server and was
 * committed rotated the token, and the new one died with A; with reuse detection and no grace window that session
 * is lost whatever the client library does.
 */
class FleetCrashTest {
  private static final int REQUESTS = 50;
  private static final long LEASE_MILLIS = 3000;
  private static final long DEADLINE_MILLIS = 2000;
  /** What a busy machine may add to a request's deadline (sending, scheduling, a JVM's first calls). */
  private static final long SLACK_MILLIS = 5000;

  @Test
  void theLockHolderKilledMidRefreshBlocksTheOthersForItsLeaseAtMostAndNoSessionIsLost() throws Exception {
    RedisClient client = LocalRedis.client();
    String session = LocalRedis.uniqueSession();
    List<ChildJvm> nodes = new ArrayList<>();
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).rotation(true).reuseDetection(true)
        .grace(Duration.ZERO).start();
        RedisTokenStore signIn = RedisTokenStore.builder(client, session).build()) {
      signIn.overwrite(server.issueTokens(server.username()).toTokensWithoutExpiry());
      for (int i = 0; i < 2; i++) {
        nodes.add(ChildJvm.start(FleetNode.class, LocalRedis.URI, session, server.baseUri().toString(), server.clientId(),
            Integer.toString(REQUESTS), Long.toString(LEASE_MILLIS), Long.toString(DEADLINE_MILLIS)));
      }
      ChildJvm a = nodes.get(0);
      ChildJvm b = nodes.get(1);
      for (ChildJvm n : nodes) assertThat(n.await("ready", Duration.ofSeconds(120))).isEqualTo("ready");
      for (ChildJvm n : nodes) {
        assertThat(n.ask("burst", "done", Duration.ofSeconds(120))).isEqualTo("done " + REQUESTS + " 0");
      }

      server.faults().holdRefreshBeforeCommit(1);
      server.expireAccessTokens();
      a.send("burst"); // never answered: A dies during it
      Awaitility.await("A's refresh held at the server").atMost(Duration.ofSeconds(60))
          .until(() -> server.faults().heldRequests() == 1);
      a.process.destroyForcibly(); // SIGKILL, the fleet lock still held under A's lease
      assertThat(a.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long killed = System.nanoTime();

      // B, during the crash: every request ends within the deadline (+ slack), as a success or a TIMEOUT
      String during = b.ask("timed", "timed", Duration.ofSeconds(60));
      assertEndsInTime(during);

      // until A's lease lapses B may time out again; then it takes the lock and refreshes
      AtomicReference<String> last = new AtomicReference<>();
      Awaitility.await("B refreshes once A's lease lapsed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(1))
          .until(() -> {
            String r = b.ask("timed", "timed", Duration.ofSeconds(60));
            assertEndsInTime(r);
            last.set(r);
            return r.startsWith("timed " + REQUESTS + " 0 ");
          });
      long tookOver = System.nanoTime();
      assertThat(server.counters().refreshSucceeded()).as("B's refresh, with the token A never spent").isEqualTo(1);

      server.expireAccessTokens();
      assertThat(b.ask("timed", "timed", Duration.ofSeconds(60))).startsWith("timed " + REQUESTS + " 0 ");
      String events = b.ask("events", "events", Duration.ofSeconds(30));
      System.out.printf("crash test: first burst after the kill: %s; last: %s; B took over %d ms after the kill;"
          + " B's %s; server %s%n", during, last.get(), TimeUnit.NANOSECONDS.toMillis(tookOver - killed), events,
          server.counters());

      assertThat(events).contains("loginRequired=0");
      assertThat(server.counters().refreshCalls()).as("A's dropped one, B's takeover, the next expiry").isEqualTo(3);
      assertThat(server.counters().refreshRequestsDropped()).isEqualTo(1);
      assertThat(server.counters().refreshSucceeded()).isEqualTo(2);
      assertThat(server.counters().refreshRejected()).isZero();
      assertThat(server.counters().reuseDetected()).isZero();
      assertThat(server.counters().familiesRevoked()).isZero();
      assertThat(signIn.read().isPresent()).as("the session lives on in Redis").isTrue();
      server.faults().releaseHeldRequests();
    } finally {
      nodes.forEach(ChildJvm::close);
      LocalRedis.delete(client, session);
      client.shutdown();
    }
  }

  /** {@code timed <ok> <failed> <slowest> <kinds>}: no request past the deadline, failures only timeouts. */
  private static void assertEndsInTime(String timed) {
    String[] f = timed.split(" ");
    assertThat(f).as(timed).hasSize(5);
    assertThat(f[0]).as(timed).isEqualTo("timed");
    assertThat(Integer.parseInt(f[1]) + Integer.parseInt(f[2])).as(timed).isEqualTo(REQUESTS);
    assertThat(Long.parseLong(f[3])).as("slowest request (ms): %s", timed).isLessThanOrEqualTo(DEADLINE_MILLIS + SLACK_MILLIS);
    if (!f[4].equals("-")) assertThat(f[4]).as(timed).matches("RefreshFailedException\\.TIMEOUT=\\d+");
  }
}
