package dev.silentrefresh.boot;

import dev.silentrefresh.TokenStore;
import dev.silentrefresh.redis.RedisTokenStores;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis stores of the sessions with {@code store.type: redis}: one {@link RedisTokenStores} on the Lettuce
 * client of the application's {@link LettuceConnectionFactory} (Spring Boot's, from {@code spring.data.redis.*}),
 * with one command and one pub/sub connection of its own, made at the first session that needs it.
 *
 * <p>Lifecycle: its phase is one above the factory's, so it starts after it and stops (closing its connections and
 * lease thread) before the factory shuts its client down. A context that is stopped and started again does not
 * bring the Redis sessions back; close it and start a new one.
 *
 * <p>Threads: thread-safe; the connections are opened on the thread that builds the sessions (start-up).
 */
final class SilentRefreshRedis implements RedisStoreSource, SmartLifecycle, DisposableBean {
  private final LettuceConnectionFactory factory;
  private final SilentRefreshProperties.Redis settings;
  private @Nullable RedisTokenStores stores;
  private boolean closed;
  private volatile boolean running;

  SilentRefreshRedis(LettuceConnectionFactory factory, SilentRefreshProperties.Redis settings) {
    this.factory = factory;
    this.settings = settings;
  }

  @Override
  public TokenStore forSession(String session) {
    return stores().forSession(session);
  }

  private synchronized RedisTokenStores stores() {
    if (closed) throw new IllegalStateException("the application's Redis sessions are closed (the context is stopping)");
    if (stores == null) stores = connect();
    return stores;
  }

  private RedisTokenStores connect() {
    String address = factory.getHostName() + ":" + factory.getPort();
    if (!factory.isRunning()) factory.start(); // started already, unless its early start-up was switched off
    AbstractRedisClient client = factory.getRequiredNativeClient();
    if (!(client instanceof RedisClient)) {
      throw new RedisUnavailableException(address, "Spring Data Redis is set up for Redis Cluster, which sessions"
          + " kept in Redis do not support yet: use a standalone or Sentinel-managed Redis", null);
    }
    RedisTokenStores.Builder b = RedisTokenStores.builder((RedisClient) client)
        .keyPrefix(settings.getKeyPrefix())
        .lease(settings.getLease())
        .commandTimeout(settings.getCommandTimeout())
        .localFallback(settings.isLocalFallback());
    if (settings.getEncryptionKey() != null) b.encryptionKey(SilentRefreshSessions.encryptionKey(settings.getEncryptionKey()));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new RedisUnavailableException(address, "cannot be reached: " + rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public void stop() {
    running = false;
    close();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** One above the connection factory's: started after it, stopped before it. */
  @Override
  public int getPhase() {
    int phase = factory.getPhase();
    return phase == Integer.MAX_VALUE ? phase : phase + 1;
  }

  @Override
  public void destroy() {
    close();
  }

  private synchronized void close() {
    closed = true;
    if (stores != null) stores.close();
    stores = null;
  }

  @Override
  public String toString() {
    return "SilentRefreshRedis{" + settings + '}';
  }
}
