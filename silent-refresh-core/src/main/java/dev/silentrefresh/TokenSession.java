package dev.silentrefresh;

import dev.silentrefresh.internal.Bridge;
import dev.silentrefresh.internal.Callbacks;
import dev.silentrefresh.internal.MonotonicClock;
import dev.silentrefresh.internal.Origins;
import dev.silentrefresh.spi.RefreshLock;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * One signed-in session: hands out the access token to send, refreshes it once however many requests
 * need it, replays rejected requests, and ends the session when the refresh token is dead. Thread-safe;
 * share one per session. Adapters drive it through {@link SessionCalls#of}; the algorithm is core's
 * ({@code Engine}, see docs/DESIGN.md).
 *
 * <pre>{@code
 * TokenSession session = TokenSession.builder(Dialect.oauth2(tokenUri, "my-client"), transport)
 *     .scope(URI.create("https://api.example.com"))
 *     .store(TokenStore.file(Path.of("session.json")))
 *     .build();
 * session.signIn(tokensFromLogin);
 * }</pre>
 *
 * <p>Threads: {@link #signIn}, {@link #signOut} and {@link #isSignedIn} run on the caller's thread
 * (they touch the store). Refreshes, store writes after a refresh, refresh events of listeners and the
 * login handler run on the session's executor ({@link Builder#executor}); {@code signedIn},
 * {@code signedOut}, {@code replayed} and {@code replaySkipped} events on the thread that caused them.
 */
public final class TokenSession {
  static {
    Bridge.register(session -> session.engine);
  }

  private final Dialect dialect;
  private final Set<URI> scope;
  private final Engine engine;

  private TokenSession(Builder b) {
    this.dialect = b.dialect;
    this.scope = Collections.unmodifiableSet(new LinkedHashSet<>(b.scope.isEmpty()
        ? Collections.singleton(b.dialect.refreshOrigin()) : b.scope));
    this.engine = new Engine(b, scope, Collections.unmodifiableList(new ArrayList<>(b.listeners)));
  }

  /** A session speaking {@code dialect}, refreshing through {@code transport}. */
  public static Builder builder(Dialect dialect, RefreshTransport transport) {
    return new Builder(dialect, transport);
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The origins that receive the token. */
  public Set<URI> scope() {
    return scope;
  }

  /**
   * Stores {@code tokens} as the session, replacing any, even a store that cannot be read (a corrupt
   * file). When they carry no expiry and the access token is a JWT, its lifetime counts from now.
   * Requests waiting on a refresh of the previous session fail with
   * {@link LoginRequiredException.Reason#SIGNED_OUT} (they are never replayed as another user);
   * requests waiting for a re-login continue with these tokens.
   *
   * @throws IOException the store could not save them (nothing changed)
   */
  public void signIn(Tokens tokens) throws IOException {
    engine.signIn(tokens);
  }

  /**
   * Signs in with the body of a login reply, read by {@link Dialect#readTokens}. Lifetimes count from now.
   *
   * @return the tokens stored
   * @throws IllegalArgumentException naming what is wrong with the reply (never a token); nothing is stored
   */
  public Tokens signInWithReply(byte[] loginReplyJson) throws IOException {
    return engine.signInWithReply(loginReplyJson);
  }

  /**
   * Removes the session, even from a store that cannot be read. Requests sent afterwards fail with
   * {@link LoginRequiredException}; requests waiting for a refresh fail with
   * {@link LoginRequiredException.Reason#SIGNED_OUT}. A refresh still in the air is dropped when it lands.
   *
   * @throws IOException the store could not be cleared (nothing changed)
   */
  public void signOut() throws IOException {
    engine.signOut();
  }

  /** True when the session holds tokens. */
  public boolean isSignedIn() throws IOException {
    return engine.isSignedIn();
  }

  /** How many requests are waiting for a refresh or a re-login right now. */
  public int waitingForRefresh() {
    return engine.waitingForRefresh();
  }

  /** Stops what ties this session to its store (its change notices); a {@link TokenSessions} calls it on eviction. */
  void release() {
    engine.release();
  }

  @Override
  public String toString() {
    return "TokenSession{" + dialect.name() + ", scope=" + scope + '}';
  }

  /** Builds a {@link TokenSession}. Every setting has a sensible default. */
  public static final class Builder {
    final Dialect dialect;
    final RefreshTransport transport;
    TokenStore store = TokenStore.inMemory();
    RefreshLock refreshLock;
    Clock clock = MonotonicClock.system();
    final Set<URI> scope = new LinkedHashSet<>();
    Duration blockingMargin = Duration.ofSeconds(10);
    Duration refreshAhead = Duration.ofSeconds(60);
    Duration refreshTimeout = Duration.ofSeconds(10);
    Duration refreshDeadline;
    Duration loginTimeout = Duration.ofMinutes(5);
    int maxAttempts = 3;
    Duration initialBackoff = Duration.ofMillis(200);
    Duration maxBackoff = Duration.ofSeconds(5);
    int maxBodyPeekBytes = 64 * 1024;
    Duration bodyPeekTimeout = Duration.ofSeconds(2);
    java.util.concurrent.Executor executor;
    int maxRefreshReplyBytes = 256 * 1024;
    final List<SessionListener> listeners = new ArrayList<>();
    LoginHandler loginHandler;

    private Builder(Dialect dialect, RefreshTransport transport) {
      if (dialect == null) throw new IllegalArgumentException("dialect is null");
      if (transport == null) throw new IllegalArgumentException("transport is null");
      this.dialect = dialect;
      this.transport = transport;
    }

    /** Where the session lives (default: in memory). */
    public Builder store(TokenStore store) {
      if (store == null) throw new IllegalArgumentException("store is null");
      this.store = store;
      return this;
    }

    /**
     * The clock for every expiry decision. Default: system UTC as it was at start-up, advanced by
     * {@link System#nanoTime()}, so that setting the system clock does not move expiries. Lifetimes are
     * counted on it from when each reply arrived, so it need not agree with the server's clock.
     */
    public Builder clock(Clock clock) {
      if (clock == null) throw new IllegalArgumentException("clock is null");
      this.clock = clock;
      return this;
    }

    /**
     * Origins ({@code scheme://host[:port]}) that receive the token; requests elsewhere are sent
     * untouched. Default: the refresh endpoint's origin only.
     */
    public Builder scope(URI... origins) {
      for (URI o : origins) {
        URI origin = Origins.originOf(o);
        if (origin == null) throw new IllegalArgumentException("not an absolute http(s) origin: " + o);
        scope.add(origin);
      }
      return this;
    }

    /**
     * Within this time of expiry the token is not sent; the request waits for a refresh. Capped at a
     * tenth of the token's lifetime. Default 10 s.
     */
    public Builder blockingMargin(Duration margin) {
      this.blockingMargin = nonNegative(margin, "blockingMargin");
      return this;
    }

    /**
     * Within this time of expiry a request still uses the current token but starts one refresh in the
     * background. Capped at a fifth of the token's lifetime; widened to the blocking margin plus the time recent
     * refresh calls took (twice their high percentile, at least 100 ms), within half the lifetime. Default 60 s.
     */
    public Builder refreshAhead(Duration window) {
      this.refreshAhead = nonNegative(window, "refreshAhead");
      return this;
    }

    /** How long one refresh call may take (transports apply it to their call). Default 10 s. */
    public Builder refreshTimeout(Duration timeout) {
      this.refreshTimeout = positive(timeout, "refreshTimeout");
      return this;
    }

    /**
     * Tries at the refresh endpoint on a transient failure, and the backoff before the second try
     * (doubling, with jitter, up to {@code maxBackoff}). Default 3 tries, 200 ms, 5 s.
     */
    public Builder retry(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
      if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
      this.maxAttempts = maxAttempts;
      this.initialBackoff = nonNegative(initialBackoff, "initialBackoff");
      this.maxBackoff = nonNegative(maxBackoff, "maxBackoff");
      return this;
    }

    /** Largest API reply body buffered to look for a body signal (default 64 KiB). */
    public Builder maxBodyPeekBytes(int bytes) {
      if (bytes < 64) throw new IllegalArgumentException("maxBodyPeekBytes must be at least 64");
      this.maxBodyPeekBytes = bytes;
      return this;
    }

    /**
     * How long an adapter waits for the start of a reply body to look for a body signal (default 2 s);
     * a streaming reply slower than that reaches the caller unclassified, never held back.
     */
    public Builder bodyPeekTimeout(Duration timeout) {
      this.bodyPeekTimeout = positive(timeout, "bodyPeekTimeout");
      return this;
    }

    /**
     * Where the session runs its callbacks: refresh replies, store writes, listeners, the login handler,
     * and the continuation of every request that waited for a refresh. Default: a small pool of daemon
     * threads shared by all sessions. Never an event loop.
     */
    public Builder executor(java.util.concurrent.Executor executor) {
      if (executor == null) throw new IllegalArgumentException("executor is null");
      this.executor = executor;
      return this;
    }

    /** Largest refresh reply accepted (default 256 KiB). */
    public Builder maxRefreshReplyBytes(int bytes) {
      if (bytes < 64) throw new IllegalArgumentException("maxRefreshReplyBytes must be at least 64");
      this.maxRefreshReplyBytes = bytes;
      return this;
    }

    /**
     * How long a refresh may take in all, retries and backoff included; requests waiting on it fail with
     * {@link RefreshFailedException.Reason#TIMEOUT} after it. Default: {@code refreshTimeout × tries +
     * maxBackoff × (tries − 1)}, 40 s with the defaults.
     */
    public Builder refreshDeadline(Duration deadline) {
      this.refreshDeadline = positive(deadline, "refreshDeadline");
      return this;
    }

    /**
     * How long the login handler may take before waiting requests fail with
     * {@link LoginRequiredException.Reason#LOGIN_FAILED}. Tokens it returns later are still kept. Default 5 min.
     */
    public Builder loginTimeout(Duration timeout) {
      this.loginTimeout = positive(timeout, "loginTimeout");
      return this;
    }

    /**
     * Serialises refreshes with everything else sharing the store (other processes, a fleet). Default:
     * the store's own when it has one ({@link TokenStore#file} does), else none (in-process single flight only).
     */
    public Builder refreshLock(RefreshLock lock) {
      if (lock == null) throw new IllegalArgumentException("refreshLock is null");
      this.refreshLock = lock;
      return this;
    }

    /** Adds a listener. */
    public Builder listener(SessionListener listener) {
      if (listener == null) throw new IllegalArgumentException("listener is null");
      listeners.add(listener);
      return this;
    }

    /** Signs in again when the session ends, so that waiting requests continue (default: none). */
    public Builder loginHandler(@Nullable LoginHandler handler) {
      this.loginHandler = handler;
      return this;
    }

    public TokenSession build() {
      if (executor == null) executor = Callbacks.shared();
      return new TokenSession(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      if (d == null || d.isNegative()) throw new IllegalArgumentException(name + " must be zero or more");
      return d;
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive");
      return d;
    }
  }
}
