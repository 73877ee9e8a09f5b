package dev.silentrefresh.redis;

import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.CoordinationUnavailableException;
import dev.silentrefresh.spi.RefreshLock;
import dev.silentrefresh.spi.StoreChanges;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * A session kept in Redis and shared by every process that names the same session: a {@link TokenStore} whose
 * compare-and-set runs as one Lua script on the server, and a {@link RefreshLock} for the whole fleet, so that
 * however many processes share the session, one refreshes per expiry and the others adopt its tokens.
 *
 * <pre>{@code
 * RedisClient redis = RedisClient.create("redis://127.0.0.1:6379");
 * RedisTokenStore store = RedisTokenStore.builder(redis, "reporting").build();
 * TokenSession session = TokenSession.builder(dialect, transport).store(store).build(); // the lock comes with it
 * }</pre>
 *
 * <p><b>Keys</b> ({@code prefix} default {@code silent-refresh:}): {@code <prefix>{<session>}:tokens}, a hash
 * of the version {@code v} and the tokens {@code t}; {@code <prefix>{<session>}:lock}, the lock's owner; and
 * the channel {@code <prefix>{<session>}:events}. The braces are a hash tag: both keys live in one slot, so the
 * scripts run on Redis Cluster too. Versions only grow; a sign-out removes the tokens and moves the version on.
 *
 * <p><b>The lock</b> is held under a random owner token with a lease ({@link Builder#lease}, default 60 s:
 * longer than a refresh's deadline), renewed every third of it while held, and released only by its owner. A
 * holder whose lease lapsed (a paused or dead process) cannot overwrite a newer session: every write is a
 * compare-and-set on the version, which is the fence. Waiters are woken by a message on the channel when the
 * lock is released or the session written, and poll ({@link Builder#pollInterval}) in case a message is lost.
 * The same messages tell every session on the store that another process wrote ({@link StoreChanges}): a
 * sign-out on one node ends the session on the others at once, before their next request is sent.
 *
 * <p><b>Encryption at rest</b> ({@link Builder#encryptionKey}): AES-GCM with your key, bound to the Redis key.
 * A wrong key, a changed value, or a value that is not a Silent Refresh session is a clear {@link IOException}
 * naming the Redis key; nothing is overwritten (a sign-in too refuses to replace what it cannot read: delete
 * the key to start over).
 *
 * <p><b>Redis lost mid-run</b>: every command waits at most {@link Builder#commandTimeout} (default 5 s). When
 * Redis cannot be reached, {@link #acquire} throws {@link CoordinationUnavailableException} (the session refreshes
 * under its own single flight and keeps the tokens in memory, see {@link Builder#localFallback}), and reads and
 * writes throw an {@link IOException} naming the Redis address. Lettuce reconnects by itself and subscribes
 * again; once both connections are back the change listeners are called once, so that sessions re-read what
 * was written meanwhile. A client this store makes from a URI rejects commands at once while disconnected and
 * tries to reconnect every 2 s at most; give a client of your own
 * {@code ClientOptions.disconnectedBehavior(REJECT_COMMANDS)} too, or each command waits its timeout then.
 *
 * <p><b>A Redis that loses its data</b> (restarted without persistence, flushed, failed over to an empty replica)
 * loses the shared copy of the session: it reads as no session at version 0. Sessions that hold tokens ignore
 * that (it is older than what they hold) and go on with them; a process that starts meanwhile finds no session.
 * The key being absent, the next compare-and-set of a node that holds the session — the save of tokens kept in
 * memory, or its next refresh — is taken at that node's version, so the store is seeded again one version past
 * what the nodes hold, and they adopt it. A sign-in or sign-out ({@link #overwrite}) on an empty store writes past
 * the highest version this store object has seen. Versions only grow, so a process that has seen none (started
 * after the loss) signs in at version 1, and nodes that hold a later version do not take that sign-in.
 *
 * <p>Threads: every method may be called from any thread; reads and writes block on Redis (on the session's
 * executor, never an event loop). One daemon thread renews leases. {@link #close()} closes the connections this
 * store opened, and the client when the store made it ({@link #builder(String, String)}), never one you passed in.
 */
public final class RedisTokenStore implements TokenStore, RefreshLock, StoreChanges, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RedisTokenStore.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  /**
   * KEYS[1] hash; ARGV[1] expected version, ARGV[2] tokens ('' = none), ARGV[3] channel. New version, or -1. An
   * absent key takes the write at any expected version (see the class comment: a Redis that lost its data).
   */
  private static final String COMPARE_AND_SET = String.join("\n",
      "local t = redis.call('TYPE', KEYS[1])['ok']",
      "if t ~= 'none' and t ~= 'hash' then return redis.error_reply('WRONGTYPE ' .. t) end",
      "local v = ARGV[1]",
      "if t == 'hash' then v = redis.call('HGET', KEYS[1], 'v') or '0' end",
      "if v ~= ARGV[1] then return -1 end",
      "local n = tonumber(v) + 1",
      "if ARGV[2] == '' then redis.call('HDEL', KEYS[1], 't') else redis.call('HSET', KEYS[1], 't', ARGV[2]) end",
      "redis.call('HSET', KEYS[1], 'v', tostring(n))",
      "redis.call('PUBLISH', ARGV[3], 'written ' .. n)",
      "return n");
  /** KEYS[1] lock; ARGV[1] owner, ARGV[2] channel. 1 when released. */
  private static final String RELEASE = String.join("\n",
      "if redis.call('GET', KEYS[1]) == ARGV[1] then",
      "  redis.call('DEL', KEYS[1])",
      "  redis.call('PUBLISH', ARGV[2], 'released')",
      "  return 1",
      "end",
      "return 0");
  /** KEYS[1] lock; ARGV[1] owner, ARGV[2] lease millis. 1 when still ours. */
  private static final String RENEW = String.join("\n",
      "if redis.call('GET', KEYS[1]) == ARGV[1] then",
      "  return redis.call('PEXPIRE', KEYS[1], ARGV[2])",
      "end",
      "return 0");

  private final RedisLink link;
  private final boolean ownsLink;
  private final String address;
  private final boolean localFallback;
  private final String tokensKey;
  private final String lockKey;
  private final String channel;
  private final StoredForm form;
  private final Duration lease;
  private final Duration pollInterval;
  private final Object wakeUp = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  /** The highest version this store read or wrote: where a sign-in on an empty (lost) store continues from. */
  private final java.util.concurrent.atomic.AtomicLong highestSeen = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.List<Runnable> changeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Who needs the channel's messages now (change listeners, lock waiters); guarded by {@link #wakeUp}. */
  private int channelUsers;
  private boolean listening;

  RedisTokenStore(RedisLink link, boolean ownsLink, String session, RedisTokenStores.Builder settings) {
    this.link = link;
    this.ownsLink = ownsLink;
    this.address = link.address;
    this.localFallback = settings.localFallback;
    String base = settings.keyPrefix + "{" + session + "}:";
    this.tokensKey = base + "tokens";
    this.lockKey = base + "lock";
    this.channel = base + "events";
    this.form = new StoredForm(tokensKey, settings.encryptionKey);
    this.lease = settings.lease;
    this.pollInterval = settings.pollInterval;
  }

  /** A message on this session's channel: wake lock waiters; a write also tells the change listeners. */
  private void onMessage(String message) {
    synchronized (wakeUp) {
      wakeUp.notifyAll();
    }
    if (message.startsWith("written") || message.equals(RedisLink.BACK)) {
      for (Runnable l : changeListeners) {
        try {
          l.run();
        } catch (RuntimeException e) {
          LOG.log(Level.FINE, "a change listener threw", e);
        }
      }
    }
  }

  /** Someone needs the channel's messages: subscribe when not yet (a failure leaves polling and the next try). */
  private void useChannel() {
    synchronized (wakeUp) {
      channelUsers++;
      if (listening || closed.get()) return;
      try {
        link.listen(channel, this::onMessage);
        listening = true;
      } catch (RedisException e) {
        LOG.log(Level.FINE, "could not subscribe to " + channel + " at " + address + ": " + RedisLink.rootMessage(e));
      }
    }
  }

  /** Nobody needs the channel's messages any more: unsubscribe. */
  private void leaveChannel() {
    synchronized (wakeUp) {
      if (--channelUsers > 0 || !listening) return;
      listening = false;
      link.unlisten(channel);
    }
  }

  /**
   * A store for the session called {@code session} (the same name in every process that shares it; see
   * {@link RedisTokenStores#forSession} for the names allowed) on {@code client}, which stays yours to close.
   */
  public static Builder builder(RedisClient client, String session) {
    return new Builder(RedisTokenStores.builder(client), session);
  }

  /**
   * A store for the session called {@code session} on the Redis at {@code uri} (e.g.
   * {@code redis://127.0.0.1:6379}); the store owns its client and closes it with itself. The client reconnects
   * by itself (every 2 s at most while Redis is away) and rejects commands at once while disconnected.
   *
   * @throws IllegalArgumentException {@code uri} is not a Redis URI
   */
  public static Builder builder(String uri, String session) {
    return new Builder(RedisTokenStores.builder(uri), session);
  }

  private RedisCommands<String, String> redis() {
    return link.redis();
  }

  @Override
  public StoredTokens read() throws IOException {
    List<io.lettuce.core.KeyValue<String, String>> fields;
    try {
      fields = redis().hmget(tokensKey, "v", "t");
    } catch (RedisException e) {
      throw failure("read", e);
    }
    String v = fields.get(0).getValueOrElse(null);
    String t = fields.get(1).getValueOrElse(null);
    if (v == null && t == null) return StoredTokens.empty();
    long version;
    try {
      version = Long.parseLong(v == null ? "" : v);
    } catch (NumberFormatException e) {
      throw new IOException("Redis key " + tokensKey + " holds something that is not a Silent Refresh session (no version)");
    }
    highestSeen.accumulateAndGet(version, Math::max);
    return new StoredTokens(t == null ? null : form.read(t), version);
  }

  @Override
  public @Nullable StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
    if (next == null) throw new IllegalArgumentException("tokens are null");
    return write(expectedVersion, next);
  }

  @Override
  public @Nullable StoredTokens clear(long expectedVersion) throws IOException {
    return write(expectedVersion, null);
  }

  /** A sign-in or sign-out replaces only what this store can read: never another application's value. */
  @Override
  public StoredTokens overwrite(@Nullable Tokens next) throws IOException {
    for (;;) {
      StoredTokens current = read(); // throws on a wrong key, a foreign or damaged value: nothing is overwritten
      // version 0 and nothing: the key is absent (never written, or Redis lost it), so any version is taken
      long expected = current.version() == 0 && !current.isPresent() ? highestSeen.get() : current.version();
      StoredTokens written = write(expected, next);
      if (written != null) return written;
    }
  }

  private @Nullable StoredTokens write(long expectedVersion, @Nullable Tokens next) throws IOException {
    String value = next == null ? "" : form.write(next);
    Long version;
    try {
      version = redis().eval(COMPARE_AND_SET, ScriptOutputType.INTEGER, new String[] {tokensKey},
          Long.toString(expectedVersion), value, channel);
    } catch (RedisException e) {
      throw failure("write", e);
    }
    if (version == null || version < 0) return null;
    highestSeen.accumulateAndGet(version, Math::max);
    return new StoredTokens(next, version);
  }

  /** Calls {@code listener} on Lettuce's event thread whenever any process writes this session. */
  @Override
  public AutoCloseable subscribe(Runnable listener) {
    if (listener == null) throw new IllegalArgumentException("listener is null");
    changeListeners.add(listener);
    useChannel();
    AtomicBoolean stopped = new AtomicBoolean();
    return () -> {
      if (stopped.compareAndSet(false, true) && changeListeners.remove(listener)) leaveChannel();
    };
  }

  @Override
  public @Nullable Lease acquire(Duration timeout) throws IOException, InterruptedException {
    String owner = HexFormat.of().formatHex(randomBytes());
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    boolean onChannel = false;
    try {
      for (;;) {
        String ok;
        try {
          ok = redis().set(lockKey, owner, SetArgs.Builder.nx().px(lease.toMillis()));
        } catch (RedisException e) {
          if (localFallback && unreachable(e)) {
            throw new CoordinationUnavailableException("Redis at " + address + " cannot be reached to take the refresh"
                + " lock: " + RedisLink.rootMessage(e), e);
          }
          throw failure("take the refresh lock at", e);
        }
        if ("OK".equals(ok)) return new Held(owner);
        long left = deadline - System.nanoTime();
        if (left <= 0) return null;
        if (!onChannel) { // listen for the release before waiting (then look once more: it may have come already)
          useChannel();
          onChannel = true;
          continue;
        }
        long wait = Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, pollInterval.toMillis());
        synchronized (wakeUp) {
          wakeUp.wait(Math.max(1, wait)); // a release or a write on the channel wakes us sooner
        }
      }
    } finally {
      if (onChannel) leaveChannel();
    }
  }

  /** The lock, held: renewed every third of the lease until closed. */
  private final class Held implements Lease {
    private final String owner;
    private final AtomicBoolean released = new AtomicBoolean();
    private final ScheduledFuture<?> renewal;

    Held(String owner) {
      this.owner = owner;
      long every = Math.max(1, lease.toMillis() / 3);
      this.renewal = link.renewals.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    private void renew() {
      try {
        Long still = redis().eval(RENEW, ScriptOutputType.INTEGER, new String[] {lockKey}, owner,
            Long.toString(lease.toMillis()));
        if (still == null || still == 0) {
          LOG.warning("the refresh lock at Redis key " + lockKey + " lapsed while held; the store's version still"
              + " fences every write");
          renewal.cancel(false);
        }
      } catch (RuntimeException e) {
        LOG.log(Level.FINE, "could not renew the refresh lock at " + lockKey, e);
      }
    }

    @Override
    public void close() {
      if (!released.compareAndSet(false, true)) return;
      renewal.cancel(false);
      try {
        redis().eval(RELEASE, ScriptOutputType.INTEGER, new String[] {lockKey}, owner, channel);
      } catch (RuntimeException e) {
        LOG.warning("could not release the refresh lock at Redis key " + lockKey + " (" + RedisLink.rootMessage(e)
            + "); it lapses with its lease");
      }
    }

    @Override
    public String toString() {
      return "RedisTokenStore.Lease{" + lockKey + '}';
    }
  }

  /**
   * Redis cannot be reached: the command got no answer (the connection is down or reconnecting — Lettuce then
   * rejects it with a plain {@link RedisException} —, it timed out), or Redis is still loading its data; as
   * opposed to Redis answering with an error, this store being closed, or the thread being interrupted.
   */
  private boolean unreachable(RedisException e) {
    if (e instanceof RedisLoadingException) return true;
    if (e instanceof RedisCommandExecutionException || e instanceof RedisCommandInterruptedException) return false;
    return !closed.get();
  }

  private IOException failure(String what, RedisException e) {
    String message = RedisLink.rootMessage(e);
    if (message != null && message.startsWith("WRONGTYPE")) {
      return new IOException("Redis key " + tokensKey + " holds a value of another type, not a Silent Refresh"
          + " session (" + message + ")", e);
    }
    return new IOException("cannot " + what + " the session in Redis at " + address + " (" + tokensKey + "): " + message, e);
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return b;
  }

  /**
   * Stops this store's messages; when it was built on its own ({@link #builder}), also closes its connections and
   * lease thread, and the client when it made it. A held lease lapses with its lease.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    changeListeners.clear();
    synchronized (wakeUp) {
      if (listening) link.unlisten(channel);
      listening = false;
    }
    if (ownsLink) link.close();
  }

  @Override
  public String toString() {
    return "RedisTokenStore{" + address + " " + tokensKey + '}';
  }

  /** Builds a {@link RedisTokenStore} of its own (for many sessions on one connection: {@link RedisTokenStores}). */
  public static final class Builder {
    private final RedisTokenStores.Builder settings;
    private final String session;

    private Builder(RedisTokenStores.Builder settings, String session) {
      try {
        this.session = RedisTokenStores.keyPart(session);
      } catch (IllegalArgumentException e) {
        settings.discard();
        throw e;
      }
      this.settings = settings;
    }

    /** Prefix of every key (default {@code silent-refresh:}); may be empty. */
    public Builder keyPrefix(String prefix) {
      settings.keyPrefix(prefix);
      return this;
    }

    /** Encrypts the tokens at rest with AES-GCM under {@code key} (AES, 128, 192 or 256 bits). */
    public Builder encryptionKey(SecretKey key) {
      settings.encryptionKey(key);
      return this;
    }

    /**
     * How long the refresh lock is held without renewal (default 60 s). Keep it longer than the session's
     * refresh deadline (40 s by default): a process that dies holding it blocks the others this long at most.
     */
    public Builder lease(Duration lease) {
      settings.lease(lease);
      return this;
    }

    /** How often a waiter looks at the lock when no message woke it (default 200 ms). */
    public Builder pollInterval(Duration interval) {
      settings.pollInterval(interval);
      return this;
    }

    /** See {@link RedisTokenStores.Builder#commandTimeout}. */
    public Builder commandTimeout(Duration timeout) {
      settings.commandTimeout(timeout);
      return this;
    }

    /** See {@link RedisTokenStores.Builder#localFallback}. */
    public Builder localFallback(boolean enabled) {
      settings.localFallback(enabled);
      return this;
    }

    /**
     * Connects.
     *
     * @throws IllegalStateException Redis cannot be reached; the message names its address
     */
    public RedisTokenStore build() {
      return new RedisTokenStore(settings.connect(), true, session, settings);
    }
  }
}
