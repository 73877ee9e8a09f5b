package dev.silentrefresh.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis these tests use for real: 127.0.0.1:6379 (or {@code SILENT_REFRESH_REDIS=host:port}). When it cannot
 * be reached the tests are skipped with a message saying so — except under {@code CI=true}, where they fail.
 */
final class LocalRedis {
  static final String HOST_PORT = System.getenv().getOrDefault("SILENT_REFRESH_REDIS", "127.0.0.1:6379");
  static final String URI = "redis://" + HOST_PORT;

  private LocalRedis() {}

  /** Skips (or, under CI=true, fails) the calling test when Redis is not there; else a client for it. */
  static RedisClient client() {
    String[] hp = HOST_PORT.split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 2000);
    } catch (Exception e) {
      String message = "Redis is not reachable at " + HOST_PORT + " (" + e.getMessage() + "): the Redis tests need a"
          + " running Redis (this machine kind starts one on 127.0.0.1:6379)";
      if ("true".equals(System.getenv("CI"))) Assertions.fail(message + "; under CI=true this is a failure");
      Assumptions.abort(message + "; skipped");
    }
    RedisClient client = RedisClient.create(RedisURI.create(URI));
    client.setDefaultTimeout(Duration.ofSeconds(10));
    return client;
  }

  /** A session name no other test uses. */
  static String uniqueSession() {
    return "test-" + UUID.randomUUID();
  }

  /** Deletes every key of {@code session} under the default prefix. */
  static void delete(RedisClient client, String session) {
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().del("silent-refresh:{" + session + "}:tokens", "silent-refresh:{" + session + "}:lock");
    }
  }
}
