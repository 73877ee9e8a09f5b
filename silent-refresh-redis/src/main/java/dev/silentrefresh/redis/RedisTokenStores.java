package dev.silentrefresh.redis;

import dev.silentrefresh.spi.CoordinationUnavailableException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * The Redis stores of many sessions over one connection: for a server holding many users' sessions (with
 * {@link dev.silentrefresh.TokenSessions}), each user's {@link RedisTokenStore} is made by {@link #forSession}
 * without a connection or thread of its own. Every store here has the same key prefix, encryption key, lease and
 * poll interval. A session's messages are subscribed to only while something listens to them (its
 * {@code TokenSession}, or a waiter for its lock), so dropping a session from a {@code TokenSessions} leaves
 * nothing behind.
 *
 * <pre>{@code
 * RedisTokenStores stores = RedisTokenStores.builder(redisClient).keyPrefix("bff:").build();
 * TokenSessions sessions = TokenSessions.builder(user ->
 *     TokenSession.builder(dialect, transport).store(stores.forSession("user-" + user)).build()).build();
 * }</pre>
 *
 * <p>Threads: every method may be called from any thread. Uses one command connection, one pub/sub connection
 * and one daemon thread renewing leases; {@link #close()} closes them (and the client when it made it).
 */
public final class RedisTokenStores implements AutoCloseable {
  private final RedisLink link;
  private final Builder settings;

  private RedisTokenStores(Builder settings) {
    this.settings = settings;
    this.link = settings.connect();
  }

  /** Stores on {@code client}, which stays yours to close. */
  public static Builder builder(RedisClient client) {
    if (client == null) throw new IllegalArgumentException("client is null");
    return new Builder(client, null, "Redis", false);
  }

  /**
   * Stores on the Redis at {@code uri} (e.g. {@code redis://127.0.0.1:6379}), with a client of their own closed
   * with them. It reconnects by itself (every 2 s at most while Redis is away) and rejects commands at once while
   * disconnected (a client of your own should too: {@code ClientOptions.disconnectedBehavior(REJECT_COMMANDS)},
   * else each command waits its timeout while Redis is away).
   *
   * @throws IllegalArgumentException {@code uri} is not a Redis URI
   */
  public static Builder builder(String uri) {
    RedisURI parsed;
    try {
      parsed = RedisURI.create(uri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a Redis URI (redis://host:port): " + e.getMessage());
    }
    ClientResources resources = DefaultClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
        .build();
    RedisClient client = RedisClient.create(resources, parsed);
    client.setOptions(ClientOptions.builder().autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled()).build());
    return new Builder(client, resources, "redis://" + parsed.getHost() + ":" + parsed.getPort(), true);
  }

  /**
   * The store of the session called {@code session} (the same name in every process sharing it; 1 to 200
   * characters, no control characters; other than letters, digits and {@code _.:-} they are written {@code %XX}
   * in the key). Cheap: no connection is opened. Closing it only stops its messages.
   */
  public RedisTokenStore forSession(String session) {
    return new RedisTokenStore(link, false, keyPart(session), settings);
  }

  /** How many sessions' channels are subscribed to now (for tests and metrics). */
  public int subscribedChannels() {
    return link.channels();
  }

  /** Closes the connections and the lease thread (and the client when these stores made it). */
  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "RedisTokenStores{" + link.address + " " + settings.keyPrefix + '}';
  }

  /**
   * The session's name as it appears in Redis keys: letters, digits and {@code _.:-} as they are, every other
   * character (e.g. the {@code @} of an e-mail address used as a user id) as {@code %XX} of its UTF-8 bytes, so
   * that every name maps to its own key and none can break the hash tag.
   *
   * @throws IllegalArgumentException null, empty, over 200 characters, or with a control character
   */
  static String keyPart(String session) {
    if (session == null || session.isEmpty() || session.length() > 200) {
      throw new IllegalArgumentException("session name must be 1 to 200 characters");
    }
    StringBuilder out = new StringBuilder(session.length());
    for (int i = 0; i < session.length(); i++) {
      char c = session.charAt(i);
      if (Character.isISOControl(c)) {
        throw new IllegalArgumentException("session name has a control character at index " + i);
      }
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "_.:-".indexOf(c) >= 0) {
        out.append(c);
        continue;
      }
      int end = Character.isHighSurrogate(c) && i + 1 < session.length() ? i + 2 : i + 1;
      for (byte b : session.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
      i = end - 1;
    }
    return out.toString();
  }

  /** Builds {@link RedisTokenStores}. */
  public static final class Builder {
    private final RedisClient client;
    private final @Nullable ClientResources ownedResources;
    private final String address;
    private final boolean ownsClient;
    Duration commandTimeout = Duration.ofSeconds(5);
    boolean localFallback = true;
    String keyPrefix = "silent-refresh:";
    @Nullable SecretKey encryptionKey;
    Duration lease = Duration.ofSeconds(60);
    Duration pollInterval = Duration.ofMillis(200);

    private Builder(RedisClient client, @Nullable ClientResources ownedResources, String address, boolean ownsClient) {
      this.client = client;
      this.ownedResources = ownedResources;
      this.address = address;
      this.ownsClient = ownsClient;
    }

    /** Prefix of every key (default {@code silent-refresh:}); may be empty. */
    public Builder keyPrefix(String prefix) {
      if (prefix == null || prefix.contains("{") || prefix.contains("}")) {
        throw new IllegalArgumentException("keyPrefix must not be null nor contain braces");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /** Encrypts the tokens at rest with AES-GCM under {@code key} (AES, 128, 192 or 256 bits). */
    public Builder encryptionKey(SecretKey key) {
      dev.silentrefresh.spi.TokenCipher.of(key); // checks it: an AES key of 128, 192 or 256 bits
      this.encryptionKey = key;
      return this;
    }

    /**
     * How long a refresh lock is held without renewal (default 60 s). Keep it longer than the sessions' refresh
     * deadline (40 s by default): a process that dies holding it blocks the others this long at most.
     */
    public Builder lease(Duration lease) {
      if (lease == null || lease.toMillis() < 100) throw new IllegalArgumentException("lease must be at least 100 ms");
      this.lease = lease;
      return this;
    }

    /** How often a waiter looks at a lock when no message woke it (default 200 ms). */
    public Builder pollInterval(Duration interval) {
      if (interval == null || interval.toMillis() < 1) throw new IllegalArgumentException("pollInterval must be at least 1 ms");
      this.pollInterval = interval;
      return this;
    }

    /**
     * The longest any Redis command waits for its answer (default 5 s); past it Redis counts as unreachable. Keep
     * it well under the sessions' refresh deadline.
     */
    public Builder commandTimeout(Duration timeout) {
      if (timeout == null || timeout.toMillis() < 1) throw new IllegalArgumentException("commandTimeout must be at least 1 ms");
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * Whether a session may refresh on its own while Redis cannot be reached (default true): the refresh lock
     * then throws {@link CoordinationUnavailableException}, and the session refreshes under its own single flight,
     * keeps the tokens in memory and saves them when Redis is back (one WARNING and one
     * {@code SessionListener.coordinationLost} per outage). Requests keep working on a node that refreshes; but
     * every other node holds the refresh token that refresh spent, so with rotation and reuse detection a second
     * node refreshing before Redis is back (and before the first one saved) revokes the token family. With
     * {@code false}, refreshes fail ({@code RefreshFailedException} {@code STORE}, session kept) until Redis is back.
     */
    public Builder localFallback(boolean enabled) {
      this.localFallback = enabled;
      return this;
    }

    /**
     * Connects.
     *
     * @throws IllegalStateException Redis cannot be reached; the message names its address
     */
    public RedisTokenStores build() {
      return new RedisTokenStores(this);
    }

    RedisLink connect() {
      return new RedisLink(client, ownedResources, address, ownsClient, commandTimeout);
    }

    /** The builder is abandoned before connecting: shut the client down when it made it. */
    void discard() {
      if (ownsClient) client.shutdown();
      if (ownedResources != null) ownedResources.shutdown();
    }
  }
}
