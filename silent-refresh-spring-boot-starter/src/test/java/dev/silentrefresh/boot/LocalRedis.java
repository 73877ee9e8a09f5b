package dev.silentrefresh.boot;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis these tests use for real: 127.0.0.1:6379 (or {@code SILENT_REFRESH_REDIS=host:port}). When it cannot
 * be reached the tests are skipped with a message saying so, except under {@code CI=true}, where they fail.
 */
final class LocalRedis {
  static final String HOST_PORT = System.getenv().getOrDefault("SILENT_REFRESH_REDIS", "127.0.0.1:6379");

  private LocalRedis() {}

  /**
   * Skips (under CI=true fails) the calling test when Redis is not there; else Boot's properties pointing at it,
   * with a key prefix no other test uses.
   */
  static String[] properties() {
    String[] hp = HOST_PORT.split(":");
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), 2000);
    } catch (Exception e) {
      String message = "Redis is not reachable at " + HOST_PORT + " (" + e.getMessage() + "): the Redis tests need a"
          + " running Redis (this machine kind starts one on 127.0.0.1:6379)";
      if ("true".equals(System.getenv("CI"))) Assertions.fail(message + "; under CI=true this is a failure");
      Assumptions.abort(message + "; skipped");
    }
    return new String[] {"spring.data.redis.host=" + hp[0], "spring.data.redis.port=" + hp[1],
        "silent-refresh.redis.key-prefix=boot-test-" + UUID.randomUUID() + ":"};
  }
}
