package dev.silentrefresh.cli;

import dev.silentrefresh.Tokens;
import dev.silentrefresh.redis.RedisTokenStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The parent's side of the Redis a fleet run shares: checks that it answers, signs each run's session in (a fresh
 * key per run) and removes the session's keys afterwards. The processes of the fleet open their own stores.
 */
final class FleetRedis implements AutoCloseable {
  /** Where {@link RedisTokenStore} keeps a session, with its default key prefix. */
  private static final String PREFIX = "silent-refresh:";
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
  /** How long a demo session outlives a parent that could not remove it. */
  static final Duration LEFT_BEHIND = Duration.ofDays(1);

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String address;

  private FleetRedis(RedisClient client, StatefulRedisConnection<String, String> connection, String address) {
    this.client = client;
    this.connection = connection;
    this.address = address;
  }

  /**
   * Connects to {@code uri} and sends a PING.
   *
   * @throws IOException one line naming the address (never a password) and why
   */
  static FleetRedis connect(String uri) throws IOException {
    RedisURI parsed = RedisURI.create(uri);
    String address = address(parsed);
    RedisClient client = RedisClient.create(parsed);
    client.setOptions(ClientOptions.builder()
        .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build())
        .timeoutOptions(TimeoutOptions.enabled(COMMAND_TIMEOUT))
        .build());
    try {
      StatefulRedisConnection<String, String> c = client.connect();
      try {
        c.sync().ping();
      } catch (RedisException e) {
        c.close();
        throw e;
      }
      return new FleetRedis(client, c, address);
    } catch (RedisException e) {
      client.shutdown(0, 2, TimeUnit.SECONDS);
      String why = rootMessage(e);
      if (why.startsWith("Invalid first byte")) why = "what answered there does not speak the Redis protocol (" + why + ")";
      throw new IOException("cannot reach Redis at " + address + ": " + why);
    }
  }

  /** Null when Redis at {@code uri} answers; else why not, in one line (what {@link #connect} would say). */
  static @Nullable String problem(String uri) {
    try {
      connect(uri).close();
      return null;
    } catch (IOException | RuntimeException e) {
      return e.getMessage();
    }
  }

  /** {@code redis://host:port}: the address without credentials, to name in messages. */
  String address() {
    return address;
  }

  private static String address(RedisURI uri) {
    String host = uri.getHost() != null ? uri.getHost() : uri.getSocket();
    return (uri.isSsl() ? "rediss://" : "redis://") + host + ":" + uri.getPort();
  }

  /**
   * Writes {@code tokens} as the session {@code session} (a sign-in), for the fleet's processes to read. The key
   * lapses after {@link #LEFT_BEHIND} in case nothing removes it (this process killed with no chance to clean up);
   * the writes of a run keep that expiry (they change fields of the hash, not the key).
   */
  void signIn(String session, Tokens tokens) throws IOException {
    try (RedisTokenStore store = RedisTokenStore.builder(client, session).build()) {
      store.overwrite(tokens);
      connection.sync().expire(PREFIX + "{" + session + "}:tokens", LEFT_BEHIND.toSeconds());
    } catch (IllegalStateException | RedisException e) {
      throw new IOException("cannot sign the demo in at Redis " + address + ": " + rootMessage(e), e);
    }
  }

  /** Removes every key of {@code session}; best effort, within a few seconds. */
  void delete(String session) {
    try {
      connection.async().del(PREFIX + "{" + session + "}:tokens", PREFIX + "{" + session + "}:lock")
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      // left behind: the key names say what they are, and nothing reads them again
    }
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(0, 2, TimeUnit.SECONDS);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return m.replaceAll("(?i)(auth|password|pass)\\S*\\s+\\S+", "$1 <redacted>").replaceAll("\\s+", " ").trim();
  }
}
