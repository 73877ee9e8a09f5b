package dev.silentrefresh;

import dev.silentrefresh.internal.Origins;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.spi.SessionCalls;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.internal.Json;
import dev.silentrefresh.internal.Scheduler;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One signed-in session: hands out the access token to send, refreshes it once however many requests
 * need it, replays rejected requests once, and ends the session when the refresh token is dead.
 * Thread-safe; share one per session. This file holds the whole algorithm of DESIGN.md.
 *
 * <pre>{@code
 * TokenSession session = TokenSession.builder(Dialect.oauth2(tokenUri, "my-client"), transport)
 *     .store(TokenStore.file(Path.of("session.json")))
 *     .build();
 * session.signIn(tokensFromLogin);
 * }</pre>
 */
public final class TokenSession {
  private static final Logger LOG = Logger.getLogger(TokenSession.class.getName());
  /** How many times one request may be replayed after rejections. */
  static final int MAX_REPLAYS = 2;
  /** How often a blocking wait for a refresh looks whether its request was cancelled. */
  private static final long CANCEL_CHECK_MILLIS = 20;

  private final Dialect dialect;
  private final RefreshTransport transport;
  private final TokenStore store;
  private final Clock clock;
  private final Set<URI> scope;
  private final Duration blockingMargin;
  private final Duration refreshAhead;
  private final Duration refreshTimeout;
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final int maxBodyPeekBytes;
  private final Duration bodyPeekTimeout;
  private final java.util.concurrent.Executor executor;
  private final List<SessionListener> listeners;
  private final LoginHandler loginHandler;
  private final RefreshCodec codec;

  /** The store's state as this session last saw it, and when it got those tokens. Null until loaded. */
  private volatile Held held;
  /** The refresh (or re-login) in flight, if any. All callers share it. */
  private final AtomicReference<Flight> inFlight = new AtomicReference<>();
  /** After a failed refresh, no background refresh starts before this (requests that need one still may). */
  private volatile Instant backgroundPausedUntil = Instant.MIN;
  /** Requests now waiting on a flight. */
  private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();

  static {
    dev.silentrefresh.internal.Bridge.register(session -> session.calls);
  }

  private final SessionCalls calls = new Calls();

  private TokenSession(Builder b) {
    this.dialect = b.dialect;
    this.transport = b.transport;
    this.store = b.store;
    this.clock = b.clock;
    this.scope = Collections.unmodifiableSet(new LinkedHashSet<>(b.scope.isEmpty()
        ? Collections.singleton(dialect.refreshOrigin()) : b.scope));
    this.blockingMargin = b.blockingMargin;
    this.refreshAhead = b.refreshAhead;
    this.refreshTimeout = b.refreshTimeout;
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.maxBodyPeekBytes = b.maxBodyPeekBytes;
    this.bodyPeekTimeout = b.bodyPeekTimeout;
    this.executor = b.executor != null ? b.executor : dev.silentrefresh.internal.Callbacks.shared();
    this.listeners = Collections.unmodifiableList(new ArrayList<>(b.listeners));
    this.loginHandler = b.loginHandler;
    this.codec = new RefreshCodec(dialect, b.maxRefreshReplyBytes, refreshTimeout);
  }

  /** A session speaking {@code dialect}, refreshing through {@code transport}. */
  public static Builder builder(Dialect dialect, RefreshTransport transport) {
    return new Builder(dialect, transport);
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The largest reply body an adapter should buffer to look for a body signal. */
  int maxBodyPeekBytes() {
    return maxBodyPeekBytes;
  }

  /**
   * True when an adapter should buffer this reply's body (up to {@link #maxBodyPeekBytes()}) so that
   * core can look for a body signal: the dialect has one for this status, and the body is JSON (or
   * untyped) and not known to be larger than the limit.
   *
   * @param contentType the reply's {@code Content-Type}, or null
   * @param contentLength the reply's length, or -1 when unknown
   */
  boolean wantsBody(int status, String contentType, long contentLength) {
    if (!dialect.needsBody(status)) return false;
    if (contentLength > maxBodyPeekBytes) return false;
    return contentType == null || contentType.toLowerCase(java.util.Locale.ROOT).contains("json");
  }

  /** True when {@code uri}'s origin is one this session sends its token to. */
  boolean inScope(URI uri) {
    if (uri == null) return false;
    for (URI origin : scope) {
      if (Origins.sameOrigin(origin, uri)) return true;
    }
    return false;
  }

  // ---- signing in and out --------------------------------------------------------------------

  /** Stores {@code tokens} as the session, replacing any. */
  public void signIn(Tokens tokens) throws IOException {
    if (tokens == null) throw new IllegalArgumentException("tokens are null");
    for (;;) {
      StoredTokens cur = store.read();
      StoredTokens written = store.replace(cur.version(), tokens);
      if (written != null) {
        held = new Held(written, clock.instant());
        emit(l -> l.signedIn());
        return;
      }
    }
  }

  /**
   * Signs in with the body of a login reply, read by {@link Dialect#readTokens}. Expiries count from now.
   *
   * @return the tokens stored
   * @throws IllegalArgumentException naming what is wrong with the reply (never a token); nothing is stored
   */
  public Tokens signInWithReply(byte[] loginReplyJson) throws IOException {
    Tokens tokens = dialect.readTokens(loginReplyJson, clock.instant());
    signIn(tokens);
    return tokens;
  }

  /** How many requests are waiting for a refresh or a re-login right now. */
  public int waitingForRefresh() {
    return waiting.get();
  }

  /** Removes the session. Requests sent afterwards fail with {@link LoginRequiredException}. */
  public void signOut() throws IOException {
    for (;;) {
      StoredTokens cur = store.read();
      StoredTokens written = store.clear(cur.version());
      if (written != null) {
        held = new Held(written, clock.instant());
        emit(l -> l.signedOut());
        return;
      }
    }
  }

  /** True when the session currently holds tokens (as last read from the store). */
  public boolean isSignedIn() throws IOException {
    return held().stored.isPresent();
  }

  // ---- sending requests (every adapter calls one of these) ------------------------------------

  /**
   * Sends a request through {@code exchange} on the calling thread: with the token when {@code uri} is
   * in scope; when the reply says the token was rejected, replayed with a newer token (the session's
   * current one, or a refresh's). A request is replayed at most {@value #MAX_REPLAYS} times — a token can
   * be revoked between its issue and its use — then the rejected reply goes to the caller (no loop).
   *
   * @throws LoginRequiredException no session, or it ended; nothing was sent when there was none
   * @throws RefreshFailedException the token had to be refreshed and that failed (session kept)
   */
  <R> R execute(URI uri, Exchange.Blocking<R> exchange) throws IOException {
    if (!inScope(uri)) return exchange.send(null);
    Tokens sent = await(tokenForSend(), exchange);
    Replays replays = new Replays();
    for (;;) {
      R reply = exchange.send(headerValue(sent));
      CompletableFuture<Tokens> next = afterReply(exchange, reply, sent, replays);
      if (next == null) return reply;
      exchange.discard(reply);
      sent = await(next, exchange);
      emit(SessionListener::replayed);
    }
  }

  /** As {@link #execute}, never blocking a thread: waiting for a refresh is a future. */
  <R> CompletableFuture<R> executeAsync(URI uri, Exchange.Async<R> exchange) {
    if (!inScope(uri)) return exchange.send(null);
    Replays replays = new Replays();
    return tokenForSend().thenCompose(sent -> sendAsync(exchange, sent, replays));
  }

  private <R> CompletableFuture<R> sendAsync(Exchange.Async<R> exchange, Tokens sent, Replays replays) {
    return exchange.send(headerValue(sent)).thenCompose(reply -> {
      CompletableFuture<Tokens> next = afterReply(exchange, reply, sent, replays);
      if (next == null) return CompletableFuture.completedFuture(reply);
      exchange.discard(reply);
      return next.thenCompose(fresh -> {
        emit(SessionListener::replayed);
        return sendAsync(exchange, fresh, replays);
      });
    });
  }

  /** One request's replays so far. */
  private static final class Replays {
    int count;
  }

  /**
   * Classifies a reply and decides what follows: null hands it to the caller; otherwise the tokens to
   * replay with (a future, as they may need a refresh), or a failed future when the session is over.
   */
  private <R> CompletableFuture<Tokens> afterReply(Exchange<R> exchange, R reply, Tokens sent, Replays replays) {
    int status = exchange.status(reply);
    JsonNode body = dialect.needsBody(status) ? Json.parseOrNull(exchange.body(reply)) : null;
    boolean ended = matchesAny(dialect.sessionEnded(), status, exchange, reply, body);
    boolean rejected = !ended && matchesAny(dialect.accessTokenRejected(), status, exchange, reply, body);
    if (!ended && !rejected) return null;
    if (replays.count >= MAX_REPLAYS) {
      if (!ended) return null; // refused again: no loop, the caller gets the reply as it is
      endSession(sent).exceptionally(e -> null); // fresh tokens keep being refused as ended: the session is over
      return failed(new LoginRequiredException(LoginRequiredException.Reason.SESSION_ENDED,
          "the backend ended the session (freshly issued tokens were refused as ended)"));
    }
    String notReplayable = exchange.notReplayableReason();
    if (notReplayable != null) {
      // Still renew the session so the caller's retry works, but hand back the reply we have.
      (ended ? endSession(sent) : refreshAfterRejection(sent)).exceptionally(e -> null);
      emit(l -> l.replaySkipped(notReplayable));
      return null;
    }
    replays.count++;
    return ended ? endSession(sent) : refreshAfterRejection(sent);
  }

  private <R> boolean matchesAny(List<Signal> signals, int status, Exchange<R> exchange, R reply, JsonNode body) {
    for (Signal s : signals) {
      if (s.matches(status, name -> exchange.header(reply, name), body)) return true;
    }
    return false;
  }

  private String headerValue(Tokens tokens) {
    return dialect.tokenHeaderValue(tokens.accessToken());
  }

  // ---- the token to send -----------------------------------------------------------------------

  /**
   * The tokens to send now. Waits for a refresh when one is in flight because the current token is
   * known to be bad, or when the token is inside the blocking margin of its expiry; inside the
   * earlier refresh-ahead window it returns the current token and starts one refresh in the background.
   */
  CompletableFuture<Tokens> tokenForSend() {
    Held h;
    try {
      h = held();
    } catch (IOException e) {
      return failed(e);
    }
    Flight flight = inFlight.get();
    if (flight != null && (flight.tokenKnownBad || !h.stored.isPresent())) return join(flight);
    if (!h.stored.isPresent()) return relogin(h.stored, noSession());
    Tokens tokens = h.stored.tokens();
    Instant expiresAt = tokens.expiresAt();
    if (expiresAt == null) return CompletableFuture.completedFuture(tokens);
    Duration lifetime = Duration.between(h.obtainedAt, expiresAt);
    Instant now = clock.instant();
    if (!now.isBefore(expiresAt.minus(clampTo(blockingMargin, lifetime, 10)))) {
      return refresh(h.stored, true);
    }
    if (!now.isBefore(expiresAt.minus(clampTo(refreshAhead, lifetime, 4))) && !now.isBefore(backgroundPausedUntil)) {
      // stale-while-refresh: this request goes on with the current token; failures surface later
      startFlight(h.stored, false, false, f -> attempt(f, h.stored, 1)).exceptionally(e -> null);
    }
    return CompletableFuture.completedFuture(tokens);
  }

  /** {@code margin}, but at most 1/{@code divisor} of the token's lifetime, so a fresh token is always usable. */
  private static Duration clampTo(Duration margin, Duration lifetime, int divisor) {
    Duration cap = lifetime.isNegative() ? Duration.ZERO : lifetime.dividedBy(divisor);
    return margin.compareTo(cap) > 0 ? cap : margin;
  }

  /**
   * The tokens to replay with after the backend rejected {@code sent}: the current ones when the
   * session already holds newer tokens (no refresh), otherwise those of the one shared refresh.
   */
  CompletableFuture<Tokens> refreshAfterRejection(Tokens sent) {
    Held h;
    try {
      h = held();
    } catch (IOException e) {
      return failed(e);
    }
    Tokens current = h.stored.tokens();
    if (current != null && !current.accessToken().equals(sent.accessToken())) {
      return CompletableFuture.completedFuture(current); // already replaced: no refresh
    }
    if (current == null) {
      Flight flight = inFlight.get();
      return flight != null ? join(flight) : relogin(h.stored, noSession());
    }
    return refresh(h.stored, true);
  }

  /** Ends the session after an API reply said it is over, unless {@code sent} was already replaced. */
  private CompletableFuture<Tokens> endSession(Tokens sent) {
    Held h;
    try {
      h = held();
    } catch (IOException e) {
      return failed(e);
    }
    Tokens current = h.stored.tokens();
    if (current != null && !current.accessToken().equals(sent.accessToken())) {
      return CompletableFuture.completedFuture(current);
    }
    return startFlight(h.stored, true, true, flight -> sessionOver(flight, h.stored,
        new LoginRequiredException(LoginRequiredException.Reason.SESSION_ENDED, "the backend ended the session")));
  }

  private CompletableFuture<Tokens> relogin(StoredTokens seen, LoginRequiredException reason) {
    if (loginHandler == null) return failed(reason);
    return startFlight(seen, true, true, flight -> {
      emit(l -> l.loginRequired(reason));
      runLoginHandler(flight, seen, reason);
    });
  }

  private static LoginRequiredException noSession() {
    return new LoginRequiredException(LoginRequiredException.Reason.NO_SESSION, "no session: sign in first");
  }

  // ---- refreshing: one at a time -----------------------------------------------------------------

  private CompletableFuture<Tokens> refresh(StoredTokens seen, boolean tokenKnownBad) {
    return startFlight(seen, tokenKnownBad, true, flight -> attempt(flight, seen, 1));
  }

  /**
   * Joins the flight in the air, or, when none is and the session still holds {@code seen}, starts
   * one running {@code body}. When the session moved past {@code seen} meanwhile, returns its tokens.
   * {@code waits}: a request waits on the result (counted in {@link #waitingForRefresh()}).
   */
  private CompletableFuture<Tokens> startFlight(StoredTokens seen, boolean tokenKnownBad, boolean waits,
      java.util.function.Consumer<Flight> body) {
    for (;;) {
      Flight flight = inFlight.get();
      if (flight != null) {
        if (tokenKnownBad) flight.tokenKnownBad = true;
        return waits ? join(flight) : flight.future.thenApply(t -> t);
      }
      StoredTokens cur = held.stored;
      if (cur.version() != seen.version()) {
        return cur.isPresent() ? CompletableFuture.completedFuture(cur.tokens()) : failed(noSession());
      }
      Flight mine = new Flight(tokenKnownBad, clock.instant());
      if (inFlight.compareAndSet(null, mine)) {
        try {
          body.accept(mine);
        } catch (RuntimeException e) {
          fail(mine, new RefreshFailedException(RefreshFailedException.Reason.NETWORK, 0,
              "refresh could not start: " + e.getClass().getSimpleName(), e));
        }
        return waits ? join(mine) : mine.future.thenApply(t -> t);
      }
    }
  }

  /** One try at the refresh endpoint; further tries are scheduled with backoff. */
  private void attempt(Flight flight, StoredTokens seen, int attemptNo) {
    StoredTokens latest;
    try {
      latest = store.read();
    } catch (IOException e) {
      fail(flight, new RefreshFailedException(RefreshFailedException.Reason.STORE, 0,
          "could not read the token store: " + e.getMessage(), e));
      return;
    }
    if (latest.version() != seen.version()) { // another thread or process refreshed: adopt its tokens
      adopt(flight, latest);
      return;
    }
    if (!latest.isPresent()) {
      sessionOver(flight, latest, noSession());
      return;
    }
    if (latest.tokens().refreshToken() == null) {
      sessionOver(flight, latest, new LoginRequiredException(LoginRequiredException.Reason.REFRESH_REJECTED,
          "the session has no refresh token and its access token was rejected"));
      return;
    }
    RefreshRequest request = codec.request(latest.tokens());
    Instant sentAt = clock.instant();
    CompletableFuture<RefreshReply> call;
    try {
      call = transport.execute(request);
      if (call == null) throw new IllegalStateException("the RefreshTransport returned no future");
    } catch (RuntimeException e) {
      call = failed(e);
    }
    Scheduler.within(call, refreshTimeout.toMillis()).whenComplete((reply, error) -> {
      try {
        onReply(flight, latest, attemptNo, sentAt, reply, error);
      } catch (RuntimeException e) {
        fail(flight, new RefreshFailedException(RefreshFailedException.Reason.MALFORMED_REPLY, 0,
            "could not handle the refresh reply: " + e.getClass().getSimpleName(), e));
      }
    });
  }

  private void onReply(Flight flight, StoredTokens latest, int attemptNo, Instant sentAt,
      RefreshReply reply, Throwable error) {
    RefreshCodec.Outcome outcome;
    if (error != null) {
      Throwable cause = Secrets.withoutTokens(unwrap(error), latest.tokens());
      boolean timeout = cause instanceof TimeoutException || cause.getClass().getSimpleName().contains("Timeout");
      outcome = RefreshCodec.Outcome.failed(new RefreshFailedException(
          timeout ? RefreshFailedException.Reason.TIMEOUT : RefreshFailedException.Reason.NETWORK, 0,
          timeout ? "the refresh endpoint did not answer within " + refreshTimeout.toMillis() + " ms"
              : "the refresh request failed: " + describe(cause), cause));
    } else if (reply == null) {
      outcome = RefreshCodec.Outcome.failed(new RefreshFailedException(RefreshFailedException.Reason.NETWORK, 0,
          "the RefreshTransport completed without a reply", null));
    } else {
      outcome = codec.read(reply, latest.tokens(), sentAt);
    }

    if (outcome.tokens != null) {
      StoredTokens written;
      try {
        written = store.replace(latest.version(), outcome.tokens);
        if (written == null) { // someone else wrote meanwhile: theirs wins, the store is the truth
          adopt(flight, store.read());
          return;
        }
      } catch (IOException e) {
        fail(flight, new RefreshFailedException(RefreshFailedException.Reason.STORE, 0,
            "refreshed, but could not save the new tokens: " + e.getMessage(), e));
        return;
      }
      Duration took = Duration.between(flight.startedAt, clock.instant());
      emit(l -> l.refreshed(written.tokens().expiresAt(), took, false)); // before waiters go on
      finish(flight, written, sentAt);
    } else if (outcome.dead) {
      sessionOver(flight, latest, new LoginRequiredException(LoginRequiredException.Reason.REFRESH_REJECTED,
          "the refresh token was rejected: sign in again"));
    } else {
      RefreshFailedException failure = outcome.failure;
      boolean retry = failure.isRetryable() && attemptNo < maxAttempts;
      emit(l -> l.refreshFailed(failure, attemptNo, retry));
      if (retry) {
        Scheduler.later(backoff(attemptNo, reply), () -> attempt(flight, latest, attemptNo + 1));
      } else {
        fail(flight, failure);
      }
    }
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

  /**
   * The session is over ({@code reason}): unless the store moved on meanwhile (another node rotated
   * the token), clear it, tell listeners once, and let the login handler sign in again.
   */
  private void sessionOver(Flight flight, StoredTokens seen, LoginRequiredException reason) {
    try {
      StoredTokens latest = store.read();
      if (latest.version() != seen.version() && latest.isPresent()) {
        adopt(flight, latest);
        return;
      }
      StoredTokens cleared = latest;
      if (latest.isPresent()) {
        cleared = store.clear(latest.version());
        if (cleared == null) { // moved again between read and clear
          adopt(flight, store.read());
          return;
        }
      }
      held = new Held(cleared, clock.instant());
      emit(l -> l.loginRequired(reason));
      runLoginHandler(flight, cleared, reason);
    } catch (IOException e) {
      fail(flight, new RefreshFailedException(RefreshFailedException.Reason.STORE, 0,
          "could not update the token store: " + e.getMessage(), e));
    }
  }

  private void runLoginHandler(Flight flight, StoredTokens cleared, LoginRequiredException reason) {
    if (loginHandler == null) {
      fail(flight, reason);
      return;
    }
    CompletableFuture<Tokens> login;
    try {
      login = loginHandler.login(reason).toCompletableFuture();
    } catch (RuntimeException e) {
      login = failed(e);
    }
    login.whenComplete((tokens, error) -> {
      if (error != null || tokens == null) {
        fail(flight, new LoginRequiredException(LoginRequiredException.Reason.LOGIN_FAILED,
            "the login handler did not sign in" + (error == null ? "" : ": " + describe(unwrap(error))),
            error == null ? reason : unwrap(error)));
        return;
      }
      try {
        StoredTokens written = store.replace(cleared.version(), tokens);
        if (written == null) {
          adopt(flight, store.read());
          return;
        }
        emit(SessionListener::reloggedIn);
        finish(flight, written, clock.instant());
      } catch (IOException e) {
        fail(flight, new RefreshFailedException(RefreshFailedException.Reason.STORE, 0,
            "signed in again, but could not save the new tokens: " + e.getMessage(), e));
      }
    });
  }

  private void adopt(Flight flight, StoredTokens latest) {
    if (!latest.isPresent()) {
      held = new Held(latest, clock.instant());
      fail(flight, noSession());
      return;
    }
    Duration took = Duration.between(flight.startedAt, clock.instant());
    emit(l -> l.refreshed(latest.tokens().expiresAt(), took, true));
    finish(flight, latest, clock.instant());
  }

  private void finish(Flight flight, StoredTokens written, Instant obtainedAt) {
    held = new Held(written, obtainedAt); // first the new state, then let new callers start flights
    inFlight.compareAndSet(flight, null);
    flight.future.complete(written.tokens());
  }

  private void fail(Flight flight, IOException error) {
    if (error instanceof RefreshFailedException) backgroundPausedUntil = clock.instant().plus(maxBackoff);
    inFlight.compareAndSet(flight, null);
    flight.future.completeExceptionally(error);
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  /**
   * A request's wait on {@code flight}: a dependent future, so cancelling it never cancels the refresh
   * others wait on; counted in {@link #waitingForRefresh()} until the flight lands.
   */
  private CompletableFuture<Tokens> join(Flight flight) {
    waiting.incrementAndGet();
    return flight.future.handle((tokens, error) -> {
      waiting.decrementAndGet();
      if (error == null) return tokens;
      throw new CompletionException(ownCopy(unwrap(error)));
    });
  }

  /**
   * Each waiter gets its own exception (same type, reason and message; the shared one as cause), so
   * that what one caller's client attaches to it (suppressed traces, request URLs) stays its own.
   */
  private static Throwable ownCopy(Throwable shared) {
    if (shared instanceof LoginRequiredException) {
      LoginRequiredException e = (LoginRequiredException) shared;
      return new LoginRequiredException(e.reason(), e.getMessage(), e);
    }
    if (shared instanceof RefreshFailedException) {
      RefreshFailedException e = (RefreshFailedException) shared;
      return new RefreshFailedException(e.reason(), e.status(), e.getMessage(), e);
    }
    return shared;
  }


  private Held held() throws IOException {
    Held h = held;
    if (h != null) return h;
    synchronized (this) {
      if (held == null) held = new Held(store.read(), clock.instant());
      return held;
    }
  }

  /** Waits for {@code future}, ending early (InterruptedIOException) when the exchange is cancelled. */
  private static <T> T await(CompletableFuture<T> future, Exchange<?> exchange) throws IOException {
    try {
      while (!future.isDone()) {
        if (exchange.isCancelled()) {
          throw new InterruptedIOException("the request was cancelled while waiting for a token refresh");
        }
        try {
          return future.get(CANCEL_CHECK_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillWaiting) {
          // look at the cancellation again
        }
      }
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while waiting for a token refresh");
      io.initCause(e);
      throw io;
    } catch (ExecutionException e) {
      Throwable cause = unwrap(e);
      if (cause instanceof IOException) throw (IOException) cause;
      if (cause instanceof RuntimeException) throw (RuntimeException) cause;
      throw new IOException(cause);
    }
  }

  private static Throwable unwrap(Throwable t) {
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

  private void emit(java.util.function.Consumer<SessionListener> event) {
    for (SessionListener l : listeners) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "a SessionListener threw " + e.getClass().getName() + "; ignored");
      }
    }
  }

  @Override
  public String toString() {
    return "TokenSession{" + dialect.name() + ", scope=" + scope + '}';
  }

  /** What adapters call ({@link SessionCalls#of}); the algorithm is this class's. */
  private final class Calls implements SessionCalls {
    @Override public Dialect dialect() { return dialect; }
    @Override public boolean inScope(URI uri) { return TokenSession.this.inScope(uri); }
    @Override public boolean wantsBody(int status, String contentType, long contentLength) {
      return TokenSession.this.wantsBody(status, contentType, contentLength);
    }
    @Override public int maxBodyPeekBytes() { return maxBodyPeekBytes; }
    @Override public Duration bodyPeekTimeout() { return bodyPeekTimeout; }
    @Override public boolean peekIsEnough(byte[] bytes, int length) {
      return Json.firstValueCompleteOrNotJson(bytes, length);
    }
    @Override public <R> R execute(URI uri, Exchange.Blocking<R> exchange) throws IOException {
      return TokenSession.this.execute(uri, exchange);
    }
    @Override public <R> CompletableFuture<R> executeAsync(URI uri, Exchange.Async<R> exchange) {
      return TokenSession.this.executeAsync(uri, exchange);
    }
    @Override public CompletableFuture<Tokens> tokenForSend() { return TokenSession.this.tokenForSend(); }
    @Override public CompletableFuture<Tokens> refreshAfterRejection(Tokens sent) {
      return TokenSession.this.refreshAfterRejection(sent);
    }
    @Override public java.util.concurrent.Executor executor() { return executor; }
  }

  /** The store's state as last seen, and when this session obtained those tokens. */
  private static final class Held {
    final StoredTokens stored;
    final Instant obtainedAt;

    Held(StoredTokens stored, Instant obtainedAt) {
      this.stored = stored;
      this.obtainedAt = obtainedAt;
    }
  }

  /** A refresh or re-login in progress. Callers {@link #join} it; they never get its future itself. */
  private static final class Flight {
    final CompletableFuture<Tokens> future = new CompletableFuture<>();
    final Instant startedAt;
    /** True once a caller has seen the current token rejected (or it is past its margin): new requests wait. */
    volatile boolean tokenKnownBad;

    Flight(boolean tokenKnownBad, Instant startedAt) {
      this.tokenKnownBad = tokenKnownBad;
      this.startedAt = startedAt;
    }

  }

  /** Builds a {@link TokenSession}. Every setting has a sensible default. */
  public static final class Builder {
    private final Dialect dialect;
    private final RefreshTransport transport;
    private TokenStore store = TokenStore.inMemory();
    private Clock clock = Clock.systemUTC();
    private final Set<URI> scope = new LinkedHashSet<>();
    private Duration blockingMargin = Duration.ofSeconds(10);
    private Duration refreshAhead = Duration.ofSeconds(60);
    private Duration refreshTimeout = Duration.ofSeconds(10);
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofMillis(200);
    private Duration maxBackoff = Duration.ofSeconds(5);
    private int maxBodyPeekBytes = 64 * 1024;
    private Duration bodyPeekTimeout = Duration.ofSeconds(2);
    private java.util.concurrent.Executor executor;
    private int maxRefreshReplyBytes = 256 * 1024;
    private final List<SessionListener> listeners = new ArrayList<>();
    private LoginHandler loginHandler;

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

    /** The clock for every expiry decision (default: system UTC). */
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
     * background. Capped at a quarter of the token's lifetime. Default 60 s.
     */
    public Builder refreshAhead(Duration window) {
      this.refreshAhead = nonNegative(window, "refreshAhead");
      return this;
    }

    /** How long one refresh call may take. Default 10 s. */
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

    /** Adds a listener. */
    public Builder listener(SessionListener listener) {
      if (listener == null) throw new IllegalArgumentException("listener is null");
      listeners.add(listener);
      return this;
    }

    /** Signs in again when the session ends, so that waiting requests continue (default: none). */
    public Builder loginHandler(LoginHandler handler) {
      this.loginHandler = handler;
      return this;
    }

    public TokenSession build() {
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
