package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fleet proof: 4 separate JVM processes share one session on the real Redis, each with 100 concurrent
 * requests per expiry, over 10 expiries, against the reference server with rotation, reuse detection and no
 * grace window. The server counts one refresh per expiry (not per process), never a spent refresh token, and
 * every request succeeds.
 */
class FleetProcessTest {
  private static final int PROCESSES = 4;
  private static final int REQUESTS = 100;
  private static final int EXPIRIES = 10;

  @Test
  void fourProcessesSharingOneSessionRefreshOncePerExpiry() throws Exception {
    RedisClient client = LocalRedis.client();
    String session = LocalRedis.uniqueSession();
    List<ChildJvm> nodes = new ArrayList<>();
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).rotation(true).reuseDetection(true)
        .grace(Duration.ZERO).start();
        RedisTokenStore signIn = RedisTokenStore.builder(client, session).build()) {
      signIn.overwrite(server.issueTokens(server.username()).toTokensWithoutExpiry());
      for (int i = 0; i < PROCESSES; i++) {
        nodes.add(ChildJvm.start(FleetNode.class, LocalRedis.URI, session, server.baseUri().toString(), server.clientId(),
            Integer.toString(REQUESTS)));
      }
      for (ChildJvm n : nodes) assertThat(n.await("ready", Duration.ofSeconds(120))).isEqualTo("ready");

      for (ChildJvm n : nodes) n.send("burst"); // every process signs in from Redis and calls
      for (ChildJvm n : nodes) assertThat(n.await("done", Duration.ofSeconds(120))).isEqualTo("done " + REQUESTS + " 0");
      for (int e = 1; e <= EXPIRIES; e++) {
        server.expireAccessTokens();
        for (ChildJvm n : nodes) n.send("burst");
        for (ChildJvm n : nodes) {
          assertThat(n.await("done", Duration.ofSeconds(120))).as("expiry %d", e).isEqualTo("done " + REQUESTS + " 0");
        }
        assertThat(server.counters().refreshCalls()).as("refresh calls after expiry %d", e).isEqualTo(e);
      }
      assertThat(server.counters().reuseDetected()).isZero();
      assertThat(server.counters().familiesRevoked()).isZero();
      assertThat(server.counters().peakConcurrentRefreshes()).isEqualTo(1);
      assertThat(server.counters().apiSucceeded()).isEqualTo((long) PROCESSES * REQUESTS * (EXPIRIES + 1));
    } finally {
      nodes.forEach(ChildJvm::close);
      LocalRedis.delete(client, session);
      client.shutdown();
    }
  }
}
