package dev.silentrefresh;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * Many users' sessions in one process (a backend-for-frontend, a server calling an API as each of its users):
 * one {@link TokenSession} per key, made on first use by the factory you give, each with its own single flight.
 * Bounded: beyond {@link Builder#maximumSize} the least recently used session is dropped from memory, and with
 * {@link Builder#idleTimeout} so is any session unused for that long. A dropped session's tokens stay in its
 * store; the next use of its key makes a new session that reads them again (a store per key, e.g.
 * {@code RedisTokenStore} or {@link TokenStore#file}, keeps a user signed in across evictions; an in-memory
 * store per key does not).
 *
 * <pre>{@code
 * TokenSessions sessions = TokenSessions.builder(user ->
 *         TokenSession.builder(dialect, transport).store(storeFor(user)).build())
 *     .maximumSize(10_000)
 *     .idleTimeout(Duration.ofMinutes(30))
 *     .build();
 * sessions.get("alice").signIn(tokensFromLogin);
 * // per request: an adapter given `sessions` picks the session by the request's key (a request attribute or
 * // tag, see each adapter), or by the key of the calling thread:
 * TokenSessions.callAs("alice", () -> restTemplate.getForObject("/api/me", String.class));
 * }</pre>
 *
 * <p>A session with requests waiting for its refresh is never dropped. Keys are case-sensitive, 1 to 256
 * characters, without control characters; they are not secret (they appear in error messages), so use a user
 * id, not a token.
 *
 * <p>Threads: every method is thread-safe and runs on the caller's thread; the factory runs on the thread of
 * the first {@link #get} of a key, at most once at a time per key.
 */
public final class TokenSessions {
  private static final Logger LOG = Logger.getLogger(TokenSessions.class.getName());
  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private final Function<String, TokenSession> factory;
  private final int maximumSize;
  private final @Nullable Duration idleTimeout;
  private final Clock clock;
  private final ConcurrentMap<String, Entry> sessions = new ConcurrentHashMap<>();
  private final AtomicLong nextSweepMillis = new AtomicLong();
  private final AtomicLong evictions = new AtomicLong();

  /** A session and when it was last handed out. */
  private static final class Entry {
    final TokenSession session;
    volatile long lastUsedMillis;

    Entry(TokenSession session, long now) {
      this.session = session;
      this.lastUsedMillis = now;
    }
  }

  private TokenSessions(Builder b) {
    this.factory = b.factory;
    this.maximumSize = b.maximumSize;
    this.idleTimeout = b.idleTimeout;
    this.clock = b.clock;
  }

  /** A registry making each key's session with {@code factory} (called with the key; must not return null). */
  public static Builder builder(Function<String, TokenSession> factory) {
    return new Builder(factory);
  }

  /**
   * The session of {@code key}, made now by the factory when this registry holds none.
   *
   * @throws IllegalArgumentException the key is null, empty, longer than 256 characters or has control characters
   * @throws IllegalStateException the factory threw or returned null (nothing is kept; the next call tries again)
   */
  public TokenSession get(String key) {
    checkKey(key);
    long now = clock.millis();
    Entry e = sessions.get(key);
    if (e == null) {
      e = sessions.computeIfAbsent(key, k -> new Entry(make(k), now));
      if (sessions.size() > maximumSize) evictLeastRecentlyUsed(key);
    }
    e.lastUsedMillis = now;
    sweepIdle(now);
    return e.session;
  }

  /** The session of {@code key} when this registry holds one; never makes one. */
  public @Nullable TokenSession getIfPresent(String key) {
    Entry e = key == null ? null : sessions.get(key);
    return e == null ? null : e.session;
  }

  /**
   * The session a request is for: {@code requestKey} when the request names one (a request attribute or tag),
   * else the key of the calling thread ({@link #callAs}). For adapters.
   *
   * @throws IllegalStateException neither names a key (nothing should be sent)
   */
  public TokenSession sessionFor(@Nullable String requestKey) {
    String key = requestKey != null ? requestKey : CURRENT.get();
    if (key == null) {
      throw new IllegalStateException("this request names no session key: set one on the request (see the "
          + "adapter's sessionKey) or send it inside TokenSessions.callAs(key, ...)");
    }
    return get(key);
  }

  /**
   * Drops {@code key}'s session from memory (its tokens stay in its store); requests already holding it finish
   * with it.
   *
   * @return whether a session was dropped
   */
  public boolean evict(String key) {
    Entry e = key == null ? null : sessions.remove(key);
    if (e == null) return false;
    release(e);
    return true;
  }

  /** How many sessions are in memory now. */
  public int size() {
    return sessions.size();
  }

  /** The keys of the sessions in memory now, sorted. */
  public Set<String> keys() {
    return Collections.unmodifiableSet(new TreeSet<>(sessions.keySet())); // ConcurrentMap: Android API 26 has no KeySetView
  }

  /** How many sessions were dropped for size or idleness since this registry was made (not counting {@link #evict}). */
  public long evictions() {
    return evictions.get();
  }

  /**
   * Runs {@code work} on this thread with {@code key} as its session key: requests sent by an adapter given a
   * {@code TokenSessions} use that key's session unless the request names another. Nests; restores the outer
   * key after. The key does not follow work handed to other threads.
   */
  public static <T> T callAs(String key, Callable<T> work) throws Exception {
    checkKey(key);
    if (work == null) throw new IllegalArgumentException("work is null");
    String outer = CURRENT.get();
    CURRENT.set(key);
    try {
      return work.call();
    } finally {
      if (outer == null) CURRENT.remove();
      else CURRENT.set(outer);
    }
  }

  /** {@link #callAs} for work that returns nothing and throws no checked exception. */
  public static void runAs(String key, Runnable work) {
    if (work == null) throw new IllegalArgumentException("work is null");
    try {
      callAs(key, () -> {
        work.run();
        return null;
      });
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e); // unreachable: a Runnable throws no checked exception
    }
  }

  /** The calling thread's session key ({@link #callAs}), or null. */
  public static @Nullable String currentKey() {
    return CURRENT.get();
  }

  @Override
  public String toString() {
    return "TokenSessions{" + sessions.size() + " of at most " + maximumSize + " sessions"
        + (idleTimeout == null ? "" : ", idle timeout " + idleTimeout) + '}';
  }

  // ---- plumbing -----------------------------------------------------------------------------------------

  private TokenSession make(String key) {
    TokenSession s;
    try {
      s = factory.apply(key);
    } catch (RuntimeException | Error e) {
      throw new IllegalStateException("the TokenSessions factory failed for key '" + key + "': " + e, e);
    }
    if (s == null) throw new IllegalStateException("the TokenSessions factory returned no session for key '" + key + "'");
    return s;
  }

  /** Over the bound: drop the least recently used sessions that nobody waits on (never {@code justMade}). */
  private void evictLeastRecentlyUsed(String justMade) {
    while (sessions.size() > maximumSize) {
      Map.Entry<String, Entry> oldest = null;
      for (Map.Entry<String, Entry> e : sessions.entrySet()) {
        if (e.getKey().equals(justMade) || e.getValue().session.waitingForRefresh() > 0) continue;
        if (oldest == null || e.getValue().lastUsedMillis < oldest.getValue().lastUsedMillis) oldest = e;
      }
      if (oldest == null) return; // every other session is busy: stay over the bound until one is not
      if (sessions.remove(oldest.getKey(), oldest.getValue())) {
        evictions.incrementAndGet();
        release(oldest.getValue());
      }
    }
  }

  /** At most every quarter of the idle timeout, drops the sessions idle for longer than it. */
  private void sweepIdle(long now) {
    if (idleTimeout == null) return;
    long due = nextSweepMillis.get();
    if (now < due || !nextSweepMillis.compareAndSet(due, now + Math.max(1, idleTimeout.toMillis() / 4))) return;
    long idleBefore = now - idleTimeout.toMillis();
    List<Map.Entry<String, Entry>> idle = new ArrayList<>();
    for (Map.Entry<String, Entry> e : sessions.entrySet()) {
      if (e.getValue().lastUsedMillis < idleBefore && e.getValue().session.waitingForRefresh() == 0) idle.add(e);
    }
    for (Map.Entry<String, Entry> e : idle) {
      if (sessions.remove(e.getKey(), e.getValue())) {
        evictions.incrementAndGet();
        release(e.getValue());
      }
    }
  }

  private static void release(Entry e) {
    try {
      e.session.release();
    } catch (RuntimeException ex) {
      LOG.log(Level.FINE, "releasing an evicted session failed", ex);
    }
  }

  private static void checkKey(String key) {
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("session key is null or empty");
    if (key.length() > 256) throw new IllegalArgumentException("session key is longer than 256 characters");
    for (int i = 0; i < key.length(); i++) {
      if (Character.isISOControl(key.charAt(i))) {
        throw new IllegalArgumentException("session key has a control character at index " + i);
      }
    }
  }

  /** Builds a {@link TokenSessions}. */
  public static final class Builder {
    final Function<String, TokenSession> factory;
    int maximumSize = 10_000;
    @Nullable Duration idleTimeout;
    Clock clock = Clock.systemUTC();

    private Builder(Function<String, TokenSession> factory) {
      if (factory == null) throw new IllegalArgumentException("factory is null");
      this.factory = factory;
    }

    /** Most sessions kept in memory (default 10,000); beyond it the least recently used is dropped. */
    public Builder maximumSize(int size) {
      if (size < 1) throw new IllegalArgumentException("maximumSize must be at least 1");
      this.maximumSize = size;
      return this;
    }

    /** Drops sessions unused for this long (default: never for idleness). */
    public Builder idleTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be positive");
      }
      this.idleTimeout = timeout;
      return this;
    }

    /** The clock idleness is measured on (default: the system clock). */
    public Builder clock(Clock clock) {
      if (clock == null) throw new IllegalArgumentException("clock is null");
      this.clock = clock;
      return this;
    }

    public TokenSessions build() {
      return new TokenSessions(this);
    }
  }
}
