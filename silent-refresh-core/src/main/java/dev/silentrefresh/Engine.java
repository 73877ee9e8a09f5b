package dev.silentrefresh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.internal.HeldTokens;
import dev.silentrefresh.internal.HeldTokens.Generation;
import dev.silentrefresh.internal.Json;
import dev.silentrefresh.internal.LatencyWindow;
import dev.silentrefresh.internal.MonotonicClock;
import dev.silentrefresh.internal.Origins;
import dev.silentrefresh.internal.RefreshFlight;
import dev.silentrefresh.internal.Scheduler;
import dev.silentrefresh.internal.TokenLifetime;
import dev.silentrefresh.spi.CoordinationUnavailableException;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.spi.RefreshLock;
import dev.silentrefresh.spi.StoreChanges;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jspecify.annotations.Nullable;

/**
 * The algorithm of a {@link TokenSession} (docs/DESIGN.md, "The algorithm"): which token a request
 * carries, what a reply means, when to replay, and the one refresh (or re-login) all requests share.
 * Its state is two holders, each keeping its own invariants: {@link HeldTokens} (what is held only
 * moves forward; a sign-in or sign-out wins) and {@link RefreshFlight} (lands exactly once; counts and
 * completes its waiters on the executor).
 *
 * <p>Threads: request methods run on the caller's thread (or, for async sends, the client's). Every
 * step of a refresh runs on {@link #executor}: store reads and writes, the refresh lock, listeners of
 * refresh events, the login handler, and waiters' continuations. The shared timer only hands over.
 */
final class Engine implements SessionCalls {
  static {
    Json.firstValueCompleteOrNotJson(new byte[] {'{', '}'}, 2); // Jackson's first parse is slow: not on a request
  }

  private static final Logger LOG = Logger.getLogger(TokenSession.class.getName());
  /** How many times one request may be replayed after rejections (at most three sends). */
  static final int MAX_REPLAYS = 2;
  /**
   * How many refreshes in a row may follow rejections of tokens that were never accepted, before
   * further refreshes back off: the burst bound, whatever the number of requests in it.
   */
  static final int MAX_UNACCEPTED_REFRESHES = 2;
  /** How often a blocking wait for a refresh looks whether its request was cancelled. */
  private static final long CANCEL_CHECK_MILLIS = 20;

  private final Dialect dialect;
  private final RefreshTransport transport;
  private final TokenStore store;
  private final RefreshLock lock;
  private final Clock clock;
  /** The session's scope as an array: every send looks a request's origin up in it, without an iterator. */
  private final URI[] scopeOrigins;
  private final long blockingMarginMillis;
  private final long refreshAheadMillis;
  private final Duration refreshTimeout;
  private final Duration refreshDeadline;
  private final Duration loginTimeout;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxBodyPeekBytes;
  private final Duration bodyPeekTimeout;
  private final List<SessionListener> listeners;
  private final LoginHandler loginHandler;
  private final RefreshCodec codec;
  private final Executor executor;

  private final HeldTokens held = new HeldTokens();
  private final AtomicReference<RefreshFlight<Generation>> inFlight = new AtomicReference<>();
  /**
   * The refresh attempt under way, until its reply is handled: a new attempt reserves this slot first
   * (compare-and-set), so no two refresh calls of this session ever overlap, whichever flight they serve.
   */
  private final AtomicReference<CompletableFuture<?>> pendingCall =
      new AtomicReference<>(CompletableFuture.completedFuture(null));
  private final AtomicInteger waiting = new AtomicInteger();
  private final LatencyWindow latency = new LatencyWindow();
  /** How long recent refresh calls took to be answered: how far ahead of the blocking margin to start one. */
  private final LatencyWindow refreshLatency = new LatencyWindow();
  private final AtomicBoolean saveScheduled = new AtomicBoolean();
  /** After a failed refresh, no background refresh starts before this (requests that need one still may). */
  private volatile long backgroundPausedUntilMillis = Long.MIN_VALUE;
  /**
   * True from the refresh that found the refresh lock's coordinator unreachable until it answers again: refreshes
   * run under this session's single flight alone, and a failed store read inside them is taken as what is held.
   */
  private final AtomicBoolean coordinationLost = new AtomicBoolean();
  /** The "lease" of a refresh made without the coordinator: nothing to release. */
  private static final RefreshLock.Lease ALONE = () -> { };

  /** True when no scope was configured (the refresh endpoint's origin only): warn once about other origins. */
  private final boolean defaultScope;
  private final AtomicBoolean warnedOffScope = new AtomicBoolean();
  /** The store's change notices to this session, or null when the store gives none. */
  private final @Nullable AutoCloseable storeSubscription;

  Engine(TokenSession.Builder b, Set<URI> scope, List<SessionListener> listeners) {
    this.defaultScope = b.scope.isEmpty();
    this.dialect = b.dialect;
    this.transport = b.transport;
    this.store = b.store;
    this.lock = b.refreshLock != null ? b.refreshLock
        : b.store instanceof RefreshLock ? (RefreshLock) b.store : null;
    this.clock = b.clock;
    this.scopeOrigins = scope.toArray(new URI[0]);
    this.blockingMarginMillis = b.blockingMargin.toMillis();
    this.refreshAheadMillis = b.refreshAhead.toMillis();
    this.refreshTimeout = b.refreshTimeout;
    this.refreshDeadline = b.refreshDeadline != null ? b.refreshDeadline
        : b.refreshTimeout.multipliedBy(b.maxAttempts).plus(b.maxBackoff.multipliedBy(b.maxAttempts - 1L));
    this.loginTimeout = b.loginTimeout;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxBodyPeekBytes = b.maxBodyPeekBytes;
    this.bodyPeekTimeout = b.bodyPeekTimeout;
    this.listeners = listeners;
    this.loginHandler = b.loginHandler;
    this.codec = new RefreshCodec(dialect, b.maxRefreshReplyBytes, refreshTimeout);
    this.executor = b.executor;
    if (dialect.refreshTokenInUrl() && dialect.firstUrlWarning()) {
      LOG.warning("dialect " + dialect.name() + " puts the refresh token in the refresh URL, because its backend"
          + " demands it: URLs are written to server and proxy access logs and kept in histories, so the token is"
          + " exposed wherever those are; prefer a backend that takes it in a header or the body (said once per"
          + " Dialect)");
    }
    // last: every field is set before the store can call back
    this.storeSubscription = b.store instanceof StoreChanges ? ((StoreChanges) b.store).subscribe(this::storeChanged) : null;
  }

  /** Stops listening to the store's change notices (the session was dropped from a {@link TokenSessions}). */
  void release() {
    AutoCloseable subscription = storeSubscription;
    if (subscription == null) return;
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.log(Level.FINE, "could not stop listening to the token store: " + describe(e));
    }
  }

  // ---- SessionCalls: what adapters see -----------------------------------------------------------

  @Override
  public Dialect dialect() {
    return dialect;
  }

  @Override
  public boolean inScope(URI uri) {
    if (uri == null) return false;
    for (URI origin : scopeOrigins) {
      if (Origins.sameOrigin(origin, uri)) return true;
    }
    return false;
  }

  @Override
  public boolean wantsBody(int status, String contentType, long contentLength) {
    if (!dialect.needsBody(status)) return false;
    if (contentLength > maxBodyPeekBytes) return false;
    return contentType == null || contentType.toLowerCase(Locale.ROOT).contains("json");
  }

  @Override
  public int maxBodyPeekBytes() {
    return maxBodyPeekBytes;
  }

  @Override
  public Duration bodyPeekTimeout() {
    return bodyPeekTimeout;
  }

  @Override
  public boolean peekIsEnough(byte[] bytes, int length) {
    return Json.firstValueCompleteOrNotJson(bytes, length);
  }

  @Override
  public Executor executor() {
    return executor;
  }

  @Override
  public CompletableFuture<Tokens> tokenForSend() {
    return tokenToSend().thenApply(Generation::tokens);
  }

  @Override
  public CompletableFuture<Tokens> refreshAfterRejection(Tokens sent) {
    if (sent == null) throw new IllegalArgumentException("sent is null");
    Generation cur;
    try {
      cur = held();
    } catch (IOException e) {
      return failed(e);
    }
    if (cur.isPresent() && cur.tokens().accessToken().equals(sent.accessToken())) {
      CompletableFuture<Generation> next = renewAfterRejection(cur);
      return next == null ? CompletableFuture.completedFuture(cur.tokens()) : next.thenApply(Generation::tokens);
    }
    return afterReplaced(cur).thenApply(Generation::tokens);
  }

  /** How many requests wait on the flight in the air (0 when none is). */
  int waitersOnFlight() {
    RefreshFlight<Generation> f = inFlight.get();
    return f == null ? 0 : f.waiters();
  }

  /** Records a send's duration as if observed (tests stage slow networks without waiting). */
  void recordLatency(Duration sendTook) {
    latency.record(sendTook.toNanos());
  }

  /** Records a refresh call's duration as if observed. */
  void recordRefreshLatency(Duration refreshTook) {
    refreshLatency.record(refreshTook.toNanos());
  }

  // ---- signing in and out (TokenSession's) ---------------------------------------------------------

  void signIn(Tokens tokens) throws IOException {
    if (tokens == null) throw new IllegalArgumentException("tokens are null");
    Instant now = clock.instant();
    Tokens toStore = withJwtExpiry(tokens, now);
    held.beginSwitch();
    StoredTokens written;
    try {
      written = storeOp(() -> store.overwrite(toStore), "save the new tokens to");
    } catch (IOException | RuntimeException e) {
      held.abortSwitch(); // the store refused: what was held stays
      throw e;
    }
    supersedeFlight(held.switchAccount(written, now, null), true);
    emit(SessionListener::signedIn);
  }

  void signOut() throws IOException {
    held.beginSwitch();
    StoredTokens written;
    try {
      written = storeOp(() -> store.overwrite(null), "clear");
    } catch (IOException | RuntimeException e) {
      held.abortSwitch();
      throw e;
    }
    supersedeFlight(held.switchAccount(written, clock.instant(), LoginRequiredException.Reason.SIGNED_OUT), false);
    emit(SessionListener::signedOut);
  }

  Tokens signInWithReply(byte[] loginReplyJson) throws IOException {
    Tokens tokens = dialect.readTokens(loginReplyJson, clock.instant());
    signIn(tokens);
    return tokens;
  }

  boolean isSignedIn() throws IOException {
    return held().isPresent();
  }

  int waitingForRefresh() {
    return waiting.get();
  }

  /**
   * The store says it may have been written elsewhere: when it moved past what this session holds, take it —
   * another process's refreshed tokens, or its sign-out (then requests here fail with
   * {@link LoginRequiredException} before they are sent, as after a local sign-out). Runs on the executor; a failure to read changes nothing (the next refresh reads again).
   */
  private void storeChanged() {
    Scheduler.run(executor, () -> {
      Generation cur = held.get();
      if (cur == null) return; // not loaded yet: the first use reads the store
      if (inFlight.get() != null) return; // a refresh in the air reads the store itself (and may be the writer)
      try {
        StoredTokens latest = storeOp(store::read, "read");
        if (lock == store) coordinationAnswered();
        if (latest.version() <= cur.version()) return;
        Instant now = clock.instant();
        Generation next = latest.isPresent() ? cur.next(latest, now, false, 0)
            : cur.ended(latest, now, false, LoginRequiredException.Reason.SIGNED_OUT);
        if (!held.advance(cur.epoch, next) || held.get() != next) return;
        if (next.isPresent()) emit(l -> l.refreshed(next.tokens().expiresAt(), Duration.ZERO, true));
        else emit(SessionListener::signedOut);
      } catch (Throwable e) {
        LOG.log(Level.FINE, "could not re-read the token store after a change elsewhere: " + describe(e));
      }
    });
  }

  /**
   * A sign-in or sign-out landed: the flight in the air (started before it) no longer speaks for this
   * session. A re-login's waiters continue with the signed-in tokens (a login is what they waited for);
   * a refresh's waiters fail, so that no request of one account is replayed as another.
   */
  private void supersedeFlight(Generation now, boolean signedIn) {
    RefreshFlight<Generation> f = inFlight.get();
    if (f == null || f.epoch >= now.epoch) return;
    inFlight.compareAndSet(f, null);
    if (signedIn && f.isRelogin()) {
      f.land(now);
    } else {
      f.fail(signedOut(signedIn));
    }
  }

  // ---- sending requests -----------------------------------------------------------------------------

  @Override
  public <R> R execute(URI uri, Exchange.Blocking<R> exchange) throws IOException {
    if (!inScope(uri)) {
      warnOnceOffDefaultScope(uri);
      return exchange.send(null);
    }
    long started = System.nanoTime(); // also the send path's "now" on the default clock: one clock read saved
    Generation current = held.get();
    CompletableFuture<Generation> wait = current == null ? tokenToSend() : waitBeforeSending(current, started);
    Generation sent = current; // no future is made when nothing is awaited
    if (wait != null) {
      sent = await(wait, exchange);
      started = System.nanoTime(); // a wait for a refresh is no part of the send's latency
    }
    for (int replays = 0; ; replays++) {
      if (replays > 0) started = System.nanoTime();
      R reply = exchange.send(headerValue(sent));
      latency.record(System.nanoTime() - started);
      CompletableFuture<Generation> next = afterReply(exchange, reply, sent, replays);
      if (next == null) return reply;
      exchange.discard(reply);
      sent = await(next, exchange);
      emit(SessionListener::replayed);
    }
  }

  @Override
  public <R> CompletableFuture<R> executeAsync(URI uri, Exchange.Async<R> exchange) {
    if (!inScope(uri)) {
      warnOnceOffDefaultScope(uri);
      return exchange.send(null);
    }
    AsyncRequest<R> request = new AsyncRequest<>(exchange);
    request.after(tokenToSend(), sent -> request.send(sent, 0));
    return request.result;
  }

  /**
   * With no scope configured, the token goes to the refresh endpoint's origin only. An API on another
   * origin then gets no token and every call is a 401: say so once, naming both origins (never a path).
   */
  private void warnOnceOffDefaultScope(URI uri) {
    if (!defaultScope || !warnedOffScope.compareAndSet(false, true)) return;
    LOG.warning("a request to " + Origins.originOf(uri) + " was sent without a token: the session's scope is"
        + " only " + java.util.Arrays.asList(scopeOrigins) + " (the refresh endpoint's origin, by default). Name the API's origins with"
        + " TokenSession.Builder.scope(...)");
  }

  /**
   * One asynchronous request: its result, and the stage it waits on now (a refresh or a send), which
   * cancelling the result cancels. Once the result is done — cancelled included — nothing more is sent.
   */
  private final class AsyncRequest<R> {
    final CompletableFuture<R> result = new CompletableFuture<>();
    final Exchange.Async<R> exchange;
    volatile CompletableFuture<?> waitingOn;

    AsyncRequest(Exchange.Async<R> exchange) {
      this.exchange = exchange;
      result.whenComplete((r, e) -> {
        CompletableFuture<?> w = waitingOn;
        if (result.isCancelled() && w != null) w.cancel(false);
      });
    }

    void after(CompletableFuture<Generation> tokens, Consumer<Generation> then) {
      waitingOn = tokens;
      if (result.isCancelled()) tokens.cancel(false);
      tokens.whenComplete((gen, error) -> {
        if (result.isDone()) return;
        if (error != null) {
          result.completeExceptionally(unwrap(error));
          return;
        }
        try {
          then.accept(gen);
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    }

    void send(Generation sent, int replays) {
      if (result.isDone() || exchange.isCancelled()) {
        result.cancel(false);
        return;
      }
      long started = System.nanoTime();
      CompletableFuture<R> sending = exchange.send(headerValue(sent));
      waitingOn = sending;
      sending.whenComplete((reply, error) -> {
        latency.record(System.nanoTime() - started);
        if (error != null) {
          result.completeExceptionally(unwrap(error));
          return;
        }
        try {
          CompletableFuture<Generation> next = afterReply(exchange, reply, sent, replays);
          if (next == null) {
            if (!result.complete(reply)) exchange.discard(reply); // cancelled meanwhile
            return;
          }
          exchange.discard(reply);
          after(next, fresh -> {
            emit(SessionListener::replayed);
            send(fresh, replays + 1);
          });
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
    }
  }

  /**
   * Classifies a reply and decides what follows: null hands it to the caller; otherwise the tokens to
   * replay with (a future, as they may need a refresh), or a failed future when the session is over.
   */
  private <R> CompletableFuture<Generation> afterReply(Exchange<R> exchange, R reply, Generation sent, int replays) {
    URI from = exchange.replyUri(reply);
    if (from != null && !inScope(from)) return null; // a redirect led elsewhere: not ours to judge
    int status = exchange.status(reply);
    JsonNode body = dialect.needsBody(status) ? Json.parseOrNull(exchange.body(reply)) : null;
    boolean ended = matchesAny(dialect.endedSignals, status, exchange, reply, body);
    boolean rejected = !ended && matchesAny(dialect.rejectedSignals, status, exchange, reply, body);
    if (!ended && !rejected) {
      sent.markAccepted();
      return null;
    }
    emit(SessionListener::rejectedReply);
    if (replays >= MAX_REPLAYS) {
      if (!ended) return null; // refused again: no loop, the caller gets the reply as it is
      endSession(sent).exceptionally(e -> null); // fresh tokens keep being refused as ended: the session is over
      return failed(new LoginRequiredException(LoginRequiredException.Reason.SESSION_ENDED,
          "the backend ended the session (freshly issued tokens were refused as ended)"));
    }
    String notReplayable = exchange.notReplayableReason();
    if (notReplayable != null) {
      // Still renew the session so the caller's retry works, but hand back the reply we have.
      CompletableFuture<Generation> renewal = ended ? endSession(sent) : renewAfterRejection(sent);
      if (renewal != null) renewal.exceptionally(e -> null);
      emit(l -> l.replaySkipped(notReplayable));
      return null;
    }
    return ended ? endSession(sent) : renewAfterRejection(sent);
  }

  private <R> boolean matchesAny(Signal[] signals, int status, Exchange<R> exchange, R reply, JsonNode body) {
    for (Signal s : signals) {
      // the status first: a reply no signal applies to (every accepted one) makes no header lookup function
      if (s.appliesToStatus(status) && s.matches(status, name -> exchange.header(reply, name), body)) return true;
    }
    return false;
  }

  /** The header value for {@code g}'s access token, made once per generation (not per send). */
  private String headerValue(Generation g) {
    String value = g.headerValue;
    if (value == null) g.headerValue = value = dialect.tokenHeaderValue(g.tokens().accessToken());
    return value;
  }

  // ---- the token to send -----------------------------------------------------------------------------

  /**
   * The tokens to send now. Waits for a refresh when one is in flight because the current token is
   * known to be bad, or when the token is inside the blocking margin of its expiry; inside the
   * earlier refresh-ahead window it returns the current token and starts one refresh in the background.
   */
  private CompletableFuture<Generation> tokenToSend() {
    Generation h;
    try {
      h = held();
    } catch (IOException e) {
      return failed(e);
    }
    CompletableFuture<Generation> wait = waitBeforeSending(h, System.nanoTime());
    return wait != null ? wait : CompletableFuture.completedFuture(h);
  }

  /**
   * Null when {@code h} can be sent now (inside the refresh-ahead window, after starting one background refresh);
   * else what to wait for: the flight in the air, a refresh, a re-login. Allocates nothing when nothing is awaited.
   */
  private CompletableFuture<Generation> waitBeforeSending(Generation h, long nanoNow) {
    RefreshFlight<Generation> flight = inFlight.get();
    if (flight != null && (flight.tokenKnownBad() || !h.isPresent())) return join(flight);
    if (!h.isPresent()) return relogin(h, noSession());
    if (h.expiresAtMillis == Generation.NO_EXPIRY) return null;
    long now = clock == MonotonicClock.system() ? MonotonicClock.system().millisAt(nanoNow) : clock.millis();
    long lifetime = Math.max(h.expiresAtMillis - h.receivedAtMillis, 0);
    long margin = blockingMarginMillis(lifetime);
    if (now >= h.expiresAtMillis - margin) return refresh(h, true);
    if (now >= h.expiresAtMillis - refreshAheadMillis(lifetime, margin) && now >= backgroundPausedUntilMillis
        && flight == null) {
      startFlight(h, false, false, false, refreshing(h)); // stale-while-refresh: nobody waits on it
    }
    return null;
  }

  /**
   * Within this time of expiry a token is not sent: the configured margin (at most a tenth of the
   * lifetime), grown to cover observed request latency (one and a half times its high percentile, at
   * most half the lifetime), so a token never expires in transit on a slow network or a busy machine.
   * In milliseconds, as every figure of the send path: it is worked out on each send and allocates nothing.
   */
  private long blockingMarginMillis(long lifetime) {
    long configured = Math.min(blockingMarginMillis, lifetime / 10);
    long observed = Math.min(latency.highNanos() / 1_000_000 * 3 / 2, lifetime / 2);
    return Math.max(configured, observed);
  }

  /**
   * The refresh-ahead window: the configured one (at most a fifth of the lifetime, so at most 1.25 refreshes per
   * lifetime), widened to the blocking margin plus the time a refresh takes ({@link #refreshLeadMillis}), so a
   * background refresh lands before requests would have to wait; never beyond half the lifetime, nor inside the margin.
   */
  private long refreshAheadMillis(long lifetime, long margin) {
    long configured = Math.min(refreshAheadMillis, lifetime / 5);
    long window = Math.max(configured, margin + refreshLeadMillis());
    return Math.max(margin, Math.min(window, lifetime / 2));
  }

  /** Least time a background refresh is given before the blocking margin begins. */
  static final long MIN_REFRESH_LEAD_MILLIS = 100;

  /** How long a refresh takes, with room: twice the high percentile of recent refresh calls, at least 100 ms. */
  private long refreshLeadMillis() {
    return Math.max(MIN_REFRESH_LEAD_MILLIS, refreshLatency.highNanos() / 1_000_000 * 2);
  }

  /**
   * What to replay with after the backend rejected {@code sent}: the held tokens when they are newer
   * (no refresh), else the one shared refresh; null when refreshes are held back because fresh tokens
   * keep being rejected (the caller then gets the rejected reply).
   */
  private CompletableFuture<Generation> renewAfterRejection(Generation sent) {
    return ifStillHeld(sent, cur -> {
      RefreshFlight<Generation> flight = inFlight.get();
      if (flight != null) {
        flight.markTokenKnownBad();
        return join(flight);
      }
      if (cur.rejectedStreak >= MAX_UNACCEPTED_REFRESHES && !cur.accepted()) {
        Instant now = clock.instant();
        cur.holdRefreshesUntil(now.plus(burstBackoff(cur.rejectedStreak)));
        if (now.isBefore(cur.refreshesHeldUntil())) return null;
      }
      return refresh(cur, true);
    });
  }

  /**
   * {@code then} applied to the held tokens when they are still the ones a request {@code sent};
   * otherwise what the request replays with now (see {@link #afterReplaced(Generation, Generation)}).
   */
  private CompletableFuture<Generation> ifStillHeld(Generation sent,
      java.util.function.Function<Generation, CompletableFuture<Generation>> then) {
    Generation cur;
    try {
      cur = held();
    } catch (IOException e) {
      return failed(e);
    }
    if (cur.epoch != sent.epoch || cur.isNewerThan(sent)) return afterReplaced(sent, cur);
    return then.apply(cur);
  }

  /**
   * The session moved past the tokens a request sent: replay with what it holds now, or say why not
   * (signed in or out meanwhile: never replayed with another epoch's tokens).
   */
  private CompletableFuture<Generation> afterReplaced(Generation sent, Generation cur) {
    if (cur.epoch != sent.epoch) return failed(signedOut(cur.isPresent()));
    return afterReplaced(cur);
  }

  /** The session moved past what a request saw: replay with what it holds now, or say why not. */
  private CompletableFuture<Generation> afterReplaced(Generation cur) {
    if (cur.isPresent()) return CompletableFuture.completedFuture(cur);
    RefreshFlight<Generation> flight = inFlight.get();
    if (flight != null) return join(flight);
    return relogin(cur, ended(cur));
  }

  /** How long refreshes after rejections wait once fresh tokens keep being rejected: doubling, up to maxBackoff. */
  private Duration burstBackoff(int streak) {
    long base = initialBackoff.toMillis() << Math.min(Math.max(streak - MAX_UNACCEPTED_REFRESHES, 0), 20);
    return Duration.ofMillis(Math.min(Math.max(base, 1), Math.max(maxBackoff.toMillis(), 1)));
  }

  /** Ends the session after an API reply said it is over, unless {@code sent} was already replaced. */
  private CompletableFuture<Generation> endSession(Generation sent) {
    return ifStillHeld(sent, cur -> startFlight(cur, true, false, true, f -> sessionOver(f, cur,
        new LoginRequiredException(LoginRequiredException.Reason.SESSION_ENDED, "the backend ended the session"))));
  }

  private CompletableFuture<Generation> relogin(Generation seen, LoginRequiredException reason) {
    if (loginHandler == null) return failed(reason);
    return startFlight(seen, true, true, true, f -> {
      emit(l -> l.loginRequired(reason));
      runLoginHandler(f, seen, reason);
    });
  }

  // ---- the one flight ---------------------------------------------------------------------------------

  private CompletableFuture<Generation> refresh(Generation seen, boolean tokenKnownBad) {
    return startFlight(seen, tokenKnownBad, false, true, refreshing(seen));
  }

  /** The body of a refresh flight: tell listeners, then the first try. */
  private Consumer<RefreshFlight<Generation>> refreshing(Generation seen) {
    return f -> {
      emit(SessionListener::refreshStarted);
      attempt(f, seen, 1);
    };
  }

  /**
   * Joins the flight in the air, or, when none is and the session still holds {@code seen}, starts one
   * running {@code body} on the executor. When the session moved past {@code seen} meanwhile, returns
   * what it holds. {@code waits}: the caller waits on the result (else null is returned).
   */
  private CompletableFuture<Generation> startFlight(Generation seen, boolean tokenKnownBad, boolean relogin,
      boolean waits, Consumer<RefreshFlight<Generation>> body) {
    for (;;) {
      RefreshFlight<Generation> flight = inFlight.get();
      if (flight != null) {
        if (tokenKnownBad) flight.markTokenKnownBad();
        return waits ? join(flight) : null;
      }
      Generation cur = held.get();
      if (cur.epoch != seen.epoch) return waits ? failed(signedOut(cur.isPresent())) : null;
      if (cur.isNewerThan(seen)) return waits ? afterReplaced(cur) : null;
      Duration deadline = relogin ? loginTimeout : refreshDeadline;
      RefreshFlight<Generation> mine = new RefreshFlight<>(seen.epoch, relogin, tokenKnownBad, deadline.toNanos(), executor);
      if (inFlight.compareAndSet(null, mine)) {
        CompletableFuture<Generation> waiter = waits ? join(mine) : null;
        armDeadline(mine);
        Scheduler.run(executor, () -> guarded(mine, () -> body.accept(mine)));
        return waiter;
      }
    }
  }

  /** Fails {@code flight} when its deadline passes (re-armed when a login moved the deadline). */
  private void armDeadline(RefreshFlight<Generation> flight) {
    long millis = TimeUnit.NANOSECONDS.toMillis(flight.nanosLeft()) + 1;
    Scheduler.later(millis, executor, () -> {
      if (flight.hasLanded()) return;
      if (flight.nanosLeft() > 0) {
        armDeadline(flight);
      } else if (flight.isRelogin()) {
        failFlight(flight, new LoginRequiredException(LoginRequiredException.Reason.LOGIN_FAILED,
            "the login handler did not sign in within " + loginTimeout.toMillis() + " ms"));
      } else {
        RefreshFailedException timeout = new RefreshFailedException(RefreshFailedException.Reason.TIMEOUT, 0,
            "the refresh did not finish within its deadline of " + refreshDeadline.toMillis() + " ms", null);
        if (flight.claimFailureEvent()) emit(l -> l.refreshFailed(timeout, 0, false));
        failFlight(flight, timeout);
      }
    });
  }

  /** Runs a step of {@code flight}; whatever it throws lands the flight as a failure (never a hang). */
  private void guarded(RefreshFlight<Generation> flight, Runnable step) {
    try {
      step.run();
    } catch (Throwable t) {
      failFlight(flight, broken("the refresh failed unexpectedly", t));
    }
  }

  /**
   * One try at the refresh endpoint, under the refresh lock when there is one: re-read the store, adopt
   * what another session or process wrote, else send the refresh. Never while an earlier call is pending.
   */
  private void attempt(RefreshFlight<Generation> flight, Generation seen, int attemptNo) {
    if (flight.hasLanded()) return;
    CompletableFuture<Void> slot = new CompletableFuture<>();
    CompletableFuture<?> pending = pendingCall.get();
    if (!pending.isDone() || !pendingCall.compareAndSet(pending, slot)) {
      // an earlier call may still answer (and is adopted if it does): wait for it, then look again
      pendingCall.get().whenComplete((r, e) ->
          Scheduler.run(executor, () -> guarded(flight, () -> attempt(flight, seen, attemptNo))));
      return;
    }
    boolean handedOver = false;
    RefreshLock.Lease lease = null;
    try {
      if (lock != null) {
        lease = acquireLock(flight); // ALONE when the coordinator is unreachable: this flight is the only guard
        if (lease == null) return; // the flight landed (adopted, or failed) while waiting for the lock
      }
      if (flight.hasLanded()) return;
      Generation base = held.get();
      if (base.epoch != flight.epoch) {
        failFlight(flight, signedOut(base.isPresent()));
        return;
      }
      if (base.isNewerThan(seen)) { // a late reply or another flight already replaced what we set out to refresh
        if (base.isPresent()) landFlight(flight, base);
        else failFlight(flight, ended(base));
        return;
      }
      StoredTokens latest = readStoreIn(base);
      if (latest.version() > base.version()) { // another session or process refreshed (or signed out)
        adopt(flight, base, latest);
        return;
      }
      Tokens tokens = base.tokens();
      if (tokens == null) {
        sessionOver(flight, base, noSession());
        return;
      }
      if (tokens.refreshToken() == null) {
        sessionOver(flight, base, new LoginRequiredException(LoginRequiredException.Reason.REFRESH_REJECTED,
            "the session has no refresh token and its access token was rejected"));
        return;
      }
      RefreshRequest request = codec.request(tokens);
      CompletableFuture<RefreshReply> call;
      Instant sentAt = clock.instant(); // the new token's lifetime counts from here: the safe side of its issue
      long sentNanos = System.nanoTime();
      try {
        call = transport.execute(request);
        if (call == null) throw new IllegalStateException("the RefreshTransport returned no future");
      } catch (Throwable t) {
        failFlight(flight, broken("the RefreshTransport threw", Secrets.withoutTokens(t, tokens)));
        return;
      }
      RefreshLock.Lease heldLease = lease;
      handedOver = true;
      call.whenCompleteAsync((reply, error) -> {
        try {
          onReply(flight, attemptNo, base, tokens, sentAt, sentNanos, reply, error);
        } catch (Throwable t) {
          failFlight(flight, broken("could not handle the refresh reply", t));
        } finally {
          if (heldLease != null) heldLease.close();
        }
      }, runner()).whenComplete((r, e) -> slot.complete(null)); // free once the reply is handled
    } finally {
      if (!handedOver) {
        if (lease != null) lease.close();
        slot.complete(null);
      }
    }
  }

  /**
   * Takes the refresh lock within the flight's deadline; null when the flight landed instead; {@link #ALONE} when
   * the lock's coordinator cannot be reached and the flight goes on under this session's single flight alone.
   */
  private RefreshLock.Lease acquireLock(RefreshFlight<Generation> flight) {
    RefreshLock.Lease lease;
    try {
      lease = lock.acquire(Duration.ofNanos(Math.max(flight.nanosLeft(), 0)));
    } catch (CoordinationUnavailableException e) {
      coordinationLost(e);
      return ALONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failLockStep(flight, new RefreshFailedException(RefreshFailedException.Reason.STORE, 0,
          "interrupted while waiting for the refresh lock", e));
      return null;
    } catch (IOException | RuntimeException e) {
      failLockStep(flight, new RefreshFailedException(RefreshFailedException.Reason.STORE, 0,
          "could not take the refresh lock: " + e.getMessage(), e));
      return null;
    }
    coordinationAnswered();
    if (lease != null) return lease;
    // Someone held it past our deadline: if they refreshed meanwhile, their tokens are ours too.
    Generation base = held.get();
    try {
      StoredTokens latest = readStore();
      if (latest.version() > base.version()) {
        adopt(flight, base, latest);
        return null;
      }
    } catch (RuntimeException e) {
      // fall through to the timeout
    }
    failLockStep(flight, new RefreshFailedException(RefreshFailedException.Reason.TIMEOUT, 0,
        "another session or process held the refresh lock past this refresh's deadline", null));
    return null;
  }

  /** The refresh lock ended the flight: told as its one {@code refreshFailed} (attempt 0, as a deadline is). */
  private void failLockStep(RefreshFlight<Generation> flight, RefreshFailedException failure) {
    if (flight.claimFailureEvent()) emit(l -> l.refreshFailed(failure, 0, false));
    failFlight(flight, failure);
  }

  /**
   * What a refresh reply means. A success is kept even when it arrives after its flight gave up (a
   * late reply): the server has rotated the refresh token, and dropping the new one would end the session.
   */
  private void onReply(RefreshFlight<Generation> flight, int attemptNo, Generation base, Tokens sentWith,
      Instant sentAt, long sentNanos, RefreshReply reply, Throwable error) {
    if (reply != null) refreshLatency.record(System.nanoTime() - sentNanos);
    RefreshCodec.Outcome outcome;
    if (error != null) {
      Throwable cause = Secrets.withoutTokens(unwrap(error), sentWith);
      if (cause instanceof Error) {
        outcome = RefreshCodec.Outcome.failed(broken("the RefreshTransport failed", cause));
      } else {
        boolean timeout = cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout");
        outcome = RefreshCodec.Outcome.failed(new RefreshFailedException(
            timeout ? RefreshFailedException.Reason.TIMEOUT : RefreshFailedException.Reason.NETWORK, 0,
            timeout ? "the refresh endpoint did not answer within " + refreshTimeout.toMillis() + " ms"
                : "the refresh request failed: " + describe(cause), cause));
      }
    } else if (reply == null) {
      outcome = RefreshCodec.Outcome.failed(broken("the RefreshTransport completed without a reply", null));
    } else {
      outcome = codec.read(reply, sentWith, sentAt);
    }

    if (outcome.tokens != null) {
      keepRefreshed(flight, base, outcome.tokens, sentAt);
    } else if (flight.hasLanded()) {
      return; // a late failure: the flight is over, the next request decides anew
    } else if (outcome.dead) {
      sessionOver(flight, base, new LoginRequiredException(LoginRequiredException.Reason.REFRESH_REJECTED,
          "the refresh token was rejected: sign in again"));
    } else {
      RefreshFailedException failure = outcome.failure;
      long backoff = backoff(attemptNo, reply);
      boolean retry = failure.isRetryable() && attemptNo < maxAttempts
          && TimeUnit.MILLISECONDS.toNanos(backoff) < flight.nanosLeft();
      emit(l -> l.refreshFailed(failure, attemptNo, retry));
      if (retry) {
        Scheduler.later(backoff, executor, () -> guarded(flight, () -> attempt(flight, base, attemptNo + 1)));
      } else {
        failFlight(flight, failure);
      }
    }
  }

  /** Saves refreshed tokens (compare-and-set); when the store cannot take them, keeps them in memory. */
  private void keepRefreshed(RefreshFlight<Generation> flight, Generation base, Tokens tokens, Instant sentAt) {
    if (held.get().epoch != base.epoch) { // signed in or out meanwhile: these belong to a session that is gone
      failFlight(flight, signedOut(held.get().isPresent()));
      return;
    }
    int streak = flight.tokenKnownBad() && !base.accepted() ? base.rejectedStreak + 1 : 0;
    Generation next;
    try {
      StoredTokens written = store.replace(base.version(), tokens);
      if (written == null) { // the store moved while we refreshed: it is the truth between processes
        adopt(flight, base, readStore());
        return;
      }
      next = base.next(written, sentAt, false, streak);
    } catch (Throwable e) {
      LOG.log(storeWarningLevel(), "could not save refreshed tokens (" + describe(e)
          + "); keeping them in memory and trying again");
      next = base.next(new StoredTokens(tokens, base.version()), sentAt, true, streak);
      scheduleSave();
    }
    Generation landed = advanceFor(flight, base, next);
    if (landed != null) landRefreshed(flight, landed, false);
  }

  /**
   * Holds {@code next}, or what is already newer in the same epoch; null when a sign-in or sign-out came
   * between (the flight is then failed: its tokens belong to a session that is gone).
   */
  private Generation advanceFor(RefreshFlight<Generation> flight, Generation base, Generation next) {
    if (held.advance(base.epoch, next)) return next;
    Generation cur = held.get();
    if (cur.epoch == base.epoch) return cur;
    failFlight(flight, signedOut(cur.isPresent()));
    return null;
  }

  /** Tells listeners of new tokens, then lands the flight with them. */
  private void landRefreshed(RefreshFlight<Generation> flight, Generation landed, boolean adopted) {
    Duration took = Duration.ofNanos(System.nanoTime() - flight.startedNanos);
    emit(l -> l.refreshed(landed.tokens().expiresAt(), took, adopted));
    landFlight(flight, landed);
  }

  /** Tries again to save tokens held unsaved, with backoff, until saved or replaced. */
  private void scheduleSave() {
    if (!saveScheduled.compareAndSet(false, true)) return;
    Scheduler.later(Math.max(initialBackoff.toMillis(), 50), executor, () -> {
      saveScheduled.set(false);
      Generation g = held.get();
      if (g == null || !g.isUnsaved()) return;
      try {
        StoredTokens written = g.isPresent() ? store.replace(g.version(), g.tokens()) : store.clear(g.version());
        if (lock == store) coordinationAnswered();
        StoredTokens now = written != null ? written : store.read();
        held.advance(g.epoch, g.isPresent() || now.isPresent()
            ? g.next(now, written != null ? g.receivedAt : clock.instant(), false, g.rejectedStreak)
            : g.ended(now, g.receivedAt, false, g.endReason));
      } catch (Throwable e) {
        scheduleSave();
      }
    });
  }

  /** Takes what the store holds (another session or process refreshed, or signed out). */
  private void adopt(RefreshFlight<Generation> flight, Generation base, StoredTokens latest) {
    Instant now = clock.instant();
    Generation next = advanceFor(flight, base, latest.isPresent() ? base.next(latest, now, false, 0)
        : base.ended(latest, now, false, LoginRequiredException.Reason.SIGNED_OUT));
    if (next == null) return;
    if (!next.isPresent()) failFlight(flight, ended(next));
    else if (held.get() == next) landRefreshed(flight, next, true);
    else landFlight(flight, held.get()); // the store's change notice adopted it first, and told listeners
  }


  /**
   * The session is over ({@code reason}): unless the store moved on meanwhile (another process rotated
   * the token), clear it, tell listeners once, and let the login handler sign in again.
   */
  private void sessionOver(RefreshFlight<Generation> flight, Generation base, LoginRequiredException reason) {
    StoredTokens latest = readStoreIn(base);
    if (latest.version() > base.version() && latest.isPresent()) {
      adopt(flight, base, latest);
      return;
    }
    StoredTokens cleared = latest;
    boolean unsaved = false;
    if (latest.isPresent()) {
      try {
        cleared = store.clear(latest.version());
        if (cleared == null) { // moved again between read and clear
          adopt(flight, base, readStore());
          return;
        }
      } catch (Throwable e) {
        LOG.log(storeWarningLevel(), "could not clear the token store (" + describe(e) + "); the session ends in memory");
        cleared = new StoredTokens(null, latest.version());
        unsaved = true;
        scheduleSave();
      }
    }
    Generation ended = base.ended(cleared, clock.instant(), unsaved, reason.reason());
    if (!held.advance(base.epoch, ended)) {
      Generation cur = held.get();
      failFlight(flight, cur.epoch != base.epoch ? signedOut(cur.isPresent()) : reason);
      return;
    }
    emit(l -> l.loginRequired(reason));
    runLoginHandler(flight, ended, reason);
  }

  /**
   * Asks the login handler to sign in again; the flight's waiters continue with its tokens. It has
   * {@code loginTimeout}; tokens it returns later are still kept, unless the user signed in or out.
   */
  private void runLoginHandler(RefreshFlight<Generation> flight, Generation ended, LoginRequiredException reason) {
    if (loginHandler == null) {
      failFlight(flight, reason);
      return;
    }
    flight.becomeRelogin(loginTimeout.toNanos());
    CompletableFuture<Tokens> login;
    try {
      CompletionStage<Tokens> stage = loginHandler.login(reason);
      login = stage == null ? CompletableFuture.completedFuture(null) : stage.toCompletableFuture();
    } catch (Throwable t) {
      login = failed(t);
    }
    login.whenCompleteAsync((tokens, error) -> guarded(flight, () -> {
      if (error != null || tokens == null) {
        Throwable cause = error == null ? null : unwrap(error);
        failFlight(flight, new LoginRequiredException(LoginRequiredException.Reason.LOGIN_FAILED,
            "the login handler did not sign in" + (cause == null ? "" : ": " + describe(cause)),
            cause == null ? reason : cause));
        return;
      }
      if (held.get().epoch != ended.epoch) return; // signed in or out meanwhile: that wins
      Instant now = clock.instant();
      Tokens fresh = withJwtExpiry(tokens, now);
      Generation next;
      try {
        StoredTokens written = store.replace(ended.version(), fresh);
        if (written == null) {
          adopt(flight, ended, readStore());
          return;
        }
        next = ended.next(written, now, false, 0);
      } catch (IOException e) {
        LOG.log(storeWarningLevel(), "could not save the tokens of the new login (" + describe(e)
            + "); keeping them in memory and trying again");
        next = ended.next(new StoredTokens(fresh, ended.version()), now, true, 0);
        scheduleSave();
      }
      if (!held.advance(ended.epoch, next)) return;
      emit(SessionListener::reloggedIn);
      landFlight(flight, next);
    }), runner());
  }

  private void landFlight(RefreshFlight<Generation> flight, Generation landed) {
    inFlight.compareAndSet(flight, null); // held moved first: new callers see the new tokens
    flight.land(landed);
  }

  private void failFlight(RefreshFlight<Generation> flight, IOException error) {
    if (flight.hasLanded()) return;
    if (error instanceof RefreshFailedException) backgroundPausedUntilMillis = clock.millis() + maxBackoff.toMillis();
    inFlight.compareAndSet(flight, null);
    flight.fail(error);
  }

  private long backoff(int attemptNo, RefreshReply reply) {
    long base = initialBackoff.toMillis() << Math.min(attemptNo - 1, 20);
    long millis = Math.min(base, maxBackoff.toMillis());
    String retryAfter = reply == null ? null : reply.header("Retry-After");
    if (retryAfter != null && retryAfter.trim().matches("\\d{1,6}")) {
      millis = Math.min(Math.max(millis, Long.parseLong(retryAfter.trim()) * 1000), maxBackoff.toMillis());
    }
    double jitter = 0.8 + 0.4 * ThreadLocalRandom.current().nextDouble();
    return (long) (millis * jitter);
  }

  // ---- plumbing ---------------------------------------------------------------------------------------

  /**
   * A request's wait on {@code flight}: its own future (cancelling it never cancels the refresh others
   * wait on), counted in {@link #waitingForRefresh()} until it completes or is cancelled.
   */
  private CompletableFuture<Generation> join(RefreshFlight<Generation> flight) {
    waiting.incrementAndGet();
    CompletableFuture<Generation> w = flight.join(g -> g, Engine::ownCopy);
    w.whenComplete((g, e) -> waiting.decrementAndGet());
    return w;
  }

  /**
   * Each waiter gets its own exception (same type, reason, message and cause; its own stack), so that
   * what one caller's client attaches to it (suppressed traces, request URLs) stays its own, and the
   * message is printed once in a trace, not once more for a shared copy.
   */
  private static Throwable ownCopy(Throwable shared) {
    if (shared instanceof LoginRequiredException) {
      LoginRequiredException e = (LoginRequiredException) shared;
      return new LoginRequiredException(e.reason(), e.getMessage(), e.getCause());
    }
    if (shared instanceof RefreshFailedException) {
      RefreshFailedException e = (RefreshFailedException) shared;
      return new RefreshFailedException(e.reason(), e.status(), e.getMessage(), e.getCause());
    }
    return shared;
  }

  private Generation held() throws IOException {
    Generation g = held.get();
    if (g != null) return g;
    return held.loadIfAbsent(storeOp(store::read, "read"), clock.instant());
  }

  /** The store's state; a failure to read it fails the step (and so the flight) as a store failure. */
  private StoredTokens readStore() {
    try {
      return storeOp(store::read, "read");
    } catch (IOException e) {
      throw new StoreFailure(e);
    }
  }

  /**
   * The store's state for a step of a refresh; while the coordinator is lost (the store is usually down with it),
   * a failed read is taken as what {@code base} holds, so that the refresh goes on alone.
   */
  private StoredTokens readStoreIn(Generation base) {
    try {
      return readStore();
    } catch (StoreFailure e) {
      if (!coordinationLost.get()) throw e;
      LOG.log(Level.FINE, "could not read the token store while its coordinator is lost; going on with the held tokens");
      return base.stored;
    }
  }

  /** The first refresh of an outage that found the coordinator unreachable: one WARNING, one event. */
  private void coordinationLost(CoordinationUnavailableException e) {
    if (!coordinationLost.compareAndSet(false, true)) return;
    String reason = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    LOG.warning("the refresh lock's coordinator cannot be reached (" + reason + "): refreshing under this"
        + " process's own single flight until it answers again; refreshed tokens are kept in memory and saved then");
    emit(l -> l.coordinationLost(reason));
  }

  /** The coordinator answered (after an outage: one INFO, one event). */
  private void coordinationAnswered() {
    if (!coordinationLost.get() || !coordinationLost.compareAndSet(true, false)) return;
    LOG.info("the refresh lock's coordinator answers again: refreshes are serialised across processes again");
    emit(SessionListener::coordinationRestored);
  }

  /** Store failures are warned of, except while the coordinator is lost: its one warning said so already. */
  private Level storeWarningLevel() {
    return coordinationLost.get() ? Level.FINE : Level.WARNING;
  }

  private interface StoreCall<T> {
    T call() throws IOException;
  }

  /** Runs a store call; a runtime failure of a custom store becomes an IOException naming it. */
  private <T> T storeOp(StoreCall<T> op, String what) throws IOException {
    try {
      return op.call();
    } catch (IOException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new IOException("could not " + what + " the token store: " + describe(e), e);
    }
  }

  /** A store failure inside a flight step, carried to {@link #guarded} and reported as such. */
  private static final class StoreFailure extends RuntimeException {
    StoreFailure(IOException cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private static RefreshFailedException broken(String what, Throwable t) {
    if (t instanceof StoreFailure) {
      return new RefreshFailedException(RefreshFailedException.Reason.STORE, 0,
          "could not read the token store: " + t.getMessage(), t.getCause());
    }
    return new RefreshFailedException(RefreshFailedException.Reason.TRANSPORT_BROKEN, 0,
        what + (t == null ? "" : ": " + describe(t)), t);
  }

  /** Waits for {@code future}, ending early (InterruptedIOException) when the exchange is cancelled. */
  private static <T> T await(CompletableFuture<T> future, Exchange<?> exchange) throws IOException {
    try {
      while (!future.isDone()) {
        if (exchange.isCancelled()) {
          future.cancel(false);
          throw new InterruptedIOException("the request was cancelled while waiting for a token refresh");
        }
        try {
          return future.get(CANCEL_CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillWaiting) {
          // look at the cancellation again
        }
      }
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while waiting for a token refresh");
      io.initCause(e);
      throw io;
    } catch (java.util.concurrent.CancellationException e) {
      throw new InterruptedIOException("the request was cancelled while waiting for a token refresh");
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof IOException) throw (IOException) cause;
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      if (cause instanceof Error) throw (Error) cause;
      throw new IOException(cause);
    }
  }

  static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : " (" + m + ")");
  }

  private static <T> CompletableFuture<T> failed(Throwable t) {
    CompletableFuture<T> f = new CompletableFuture<>();
    f.completeExceptionally(t);
    return f;
  }

  /** The executor, falling back to the calling thread when it refuses work. */
  private Executor runner() {
    return task -> Scheduler.run(executor, task);
  }

  /** {@code tokens}, with the expiry their JWT gives (its lifetime from now) when they carry none. */
  private static Tokens withJwtExpiry(Tokens tokens, Instant now) {
    if (tokens.expiresAt() != null) return tokens;
    Instant expiresAt = TokenLifetime.expiresAt((Duration) null, tokens.accessToken(), null, now);
    return expiresAt == null ? tokens : tokens.toBuilder().expiresAt(expiresAt).build();
  }

  private static LoginRequiredException noSession() {
    return new LoginRequiredException(LoginRequiredException.Reason.NO_SESSION, "no session: sign in first");
  }

  private static LoginRequiredException signedOut(boolean signedInAgain) {
    return new LoginRequiredException(LoginRequiredException.Reason.SIGNED_OUT, signedInAgain
        ? "the session was signed in again (perhaps as another user) while the request waited; it was not replayed"
        : "the session was signed out while the request waited");
  }

  /** Why a session that has ended has no tokens, as the exception a request sees. */
  private static LoginRequiredException ended(Generation g) {
    LoginRequiredException.Reason reason = g.endReason != null ? g.endReason : LoginRequiredException.Reason.NO_SESSION;
    switch (reason) {
      case REFRESH_REJECTED:
        return new LoginRequiredException(reason, "the refresh token was rejected: sign in again");
      case SESSION_ENDED:
        return new LoginRequiredException(reason, "the backend ended the session");
      case SIGNED_OUT:
        return new LoginRequiredException(reason, "the session was signed out");
      case LOGIN_FAILED:
        return new LoginRequiredException(reason, "the login handler did not sign in");
      default:
        return noSession();
    }
  }

  void emit(Consumer<SessionListener> event) {
    for (SessionListener l : listeners) {
      try {
        event.accept(l);
      } catch (Throwable t) {
        LOG.log(Level.WARNING, "a SessionListener threw " + t.getClass().getName() + "; ignored");
      }
    }
  }
}
