package dev.silentrefresh.redis;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * What the stores of one Redis share: one command connection, one pub/sub connection dispatching each channel's
 * messages to the store listening on it, and one daemon thread renewing leases. One per {@link RedisTokenStores},
 * or per {@link RedisTokenStore} built on its own.
 */
final class RedisLink implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());
  /** The message every listener gets when both connections are back after a drop (sessions then re-read). */
  static final String BACK = "back";

  final String address;
  private final StatefulRedisConnection<String, String> connection;
  private final StatefulRedisPubSubConnection<String, String> events;
  final ScheduledExecutorService renewals;
  private final @Nullable RedisClient ownedClient;
  private final @Nullable ClientResources ownedResources;
  /** Set when either connection dropped; cleared (and every listener told {@link #BACK}) once both are back. */
  private final AtomicBoolean interrupted = new AtomicBoolean();
  /** False from a drop of the pub/sub connection until Lettuce has subscribed again. */
  private volatile boolean subscribed = true;
  private final Map<String, Consumer<String>> listeners = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Connects to {@code client}'s Redis.
   *
   * @throws IllegalStateException Redis cannot be reached; the message names {@code address}
   */
  RedisLink(RedisClient client, @Nullable ClientResources ownedResources, String address, boolean ownsClient,
      Duration commandTimeout) {
    this.address = address;
    this.ownedClient = ownsClient ? client : null;
    this.ownedResources = ownedResources;
    try {
      this.connection = client.connect();
      connection.setTimeout(commandTimeout);
    } catch (RedisException e) {
      shutdownOwned();
      throw new IllegalStateException("cannot reach Redis at " + address + ": " + rootMessage(e), e);
    }
    try {
      this.events = client.connectPubSub();
      events.setTimeout(commandTimeout);
      events.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(String channel, String message) {
          Consumer<String> l = listeners.get(channel);
          if (l != null) tell(l, message);
        }

        @Override
        public void subscribed(String channel, long count) { // also when Lettuce subscribes again after a reconnect
          subscribed = true;
          maybeBack();
        }
      });
      events.addListener(new RedisConnectionStateListener() {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress at) {
          if (listeners.isEmpty()) { // nothing to subscribe again: connected is back
            subscribed = true;
            maybeBack();
          }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
          subscribed = false;
          interrupted.set(true);
        }
      });
      connection.addListener(new RedisConnectionStateListener() {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> c, SocketAddress at) {
          maybeBack();
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> c) {
          interrupted.set(true);
        }
      });
    } catch (RedisException e) {
      connection.close();
      shutdownOwned();
      throw new IllegalStateException("cannot subscribe to Redis at " + address + ": " + rootMessage(e), e);
    }
    this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "silent-refresh-redis-lease");
      t.setDaemon(true);
      return t;
    });
  }

  /** Both connections are up again after a drop: tell every listener once, so that sessions re-read. */
  private void maybeBack() {
    if (subscribed && connection.isOpen() && interrupted.compareAndSet(true, false)) {
      LOG.fine(() -> "Redis at " + address + " is back: telling " + listeners.size() + " sessions to re-read");
      listeners.values().forEach(l -> tell(l, BACK));
    }
  }

  private static void tell(Consumer<String> listener, String message) {
    try {
      listener.accept(message);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "a channel listener threw", e);
    }
  }

  RedisCommands<String, String> redis() {
    return connection.sync();
  }

  /**
   * Sends {@code channel}'s messages to {@code listener} (one per channel) from now on.
   *
   * @throws RedisException the subscription could not be made (the listener is not kept)
   */
  void listen(String channel, Consumer<String> listener) {
    listeners.put(channel, listener);
    try {
      events.sync().subscribe(channel);
    } catch (RedisException e) {
      listeners.remove(channel, listener);
      throw e;
    }
  }

  /** Stops {@code channel}'s messages. */
  void unlisten(String channel) {
    listeners.remove(channel);
    if (closed.get()) return;
    try {
      events.async().unsubscribe(channel);
    } catch (RuntimeException e) {
      LOG.log(Level.FINE, "could not unsubscribe from " + channel, e);
    }
  }

  /** How many channels this link listens to now. */
  int channels() {
    return listeners.size();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    renewals.shutdownNow();
    events.close();
    connection.close();
    shutdownOwned();
  }

  private void shutdownOwned() {
    if (ownedClient != null) ownedClient.shutdown();
    if (ownedResources != null) ownedResources.shutdown();
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String m = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return m.replaceAll("(?i)(auth|password)\\S*\\s+\\S+", "$1 <redacted>");
  }
}
