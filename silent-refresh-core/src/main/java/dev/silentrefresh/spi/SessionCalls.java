package dev.silentrefresh.spi;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.internal.Bridge;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What an adapter calls to send a request through a {@link TokenSession}: core picks the token,
 * classifies the reply, refreshes once and decides whether to replay. Applications never need this.
 *
 * <p>Threads: {@link #execute} blocks the calling thread only while it sends or waits for a refresh;
 * {@link #executeAsync} never blocks. Futures that wait for a refresh complete on the session's
 * {@linkplain #executor() executor}, never on a client I/O thread, an event loop or a timer.
 */
public interface SessionCalls {

  /** The calls of {@code session}. */
  static SessionCalls of(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return Bridge.callsOf(session);
  }

  /** The session's dialect (which header carries the token, which replies are signals). */
  Dialect dialect();

  /** True when {@code uri}'s origin is one the session sends its token to. */
  boolean inScope(URI uri);

  /**
   * True when an adapter should peek at this reply's body (up to {@link #maxBodyPeekBytes()}) so that
   * core can look for a body signal: the dialect has one for this status, and the body is JSON (or
   * untyped) and not known to be larger than the limit.
   *
   * @param contentType the reply's {@code Content-Type}, or null
   * @param contentLength the reply's length, or -1 when unknown
   */
  boolean wantsBody(int status, @Nullable String contentType, long contentLength);

  /** The most body bytes an adapter peeks at. */
  int maxBodyPeekBytes();

  /**
   * The longest an adapter waits for body bytes while peeking. Past it, the adapter stops peeking and
   * hands the reply on as it is (core then sees no body signal); the caller still gets every byte.
   */
  Duration bodyPeekTimeout();

  /**
   * True when the first {@code length} bytes of a body are enough to look for a body signal: they
   * hold one complete JSON value (a stream of values may follow), or they are not JSON at all. An
   * adapter peeks until this is true, the body ends, {@link #maxBodyPeekBytes()} or
   * {@link #bodyPeekTimeout()} is reached, whichever is first.
   */
  boolean peekIsEnough(byte[] bytes, int length);

  /**
   * Sends a request through {@code exchange} on the calling thread: with the token when {@code uri} is
   * in scope; replayed with a newer token when the reply says the token was rejected (at most twice).
   *
   * @throws dev.silentrefresh.LoginRequiredException no session, or it ended; nothing was sent when there was none
   * @throws dev.silentrefresh.RefreshFailedException the token had to be refreshed and that failed (session kept)
   * @throws java.io.InterruptedIOException the exchange was cancelled, or the thread interrupted, while waiting
   */
  <R> R execute(URI uri, Exchange.Blocking<R> exchange) throws IOException;

  /**
   * As {@link #execute}, never blocking a thread. Cancelling the returned future ends the request's wait
   * for a refresh (the refresh goes on for others), and a request not yet sent is then never sent.
   */
  <R> CompletableFuture<R> executeAsync(URI uri, Exchange.Async<R> exchange);

  /** The tokens to send now, waiting for a refresh when one is needed. */
  CompletableFuture<Tokens> tokenForSend();

  /**
   * The tokens to replay with after the backend rejected {@code sent}: the current ones when the session
   * already holds newer tokens (no refresh), otherwise those of the one shared refresh.
   */
  CompletableFuture<Tokens> refreshAfterRejection(Tokens sent);

  /** The executor the session runs its callbacks on; adapters may hop to it instead of blocking an event loop. */
  Executor executor();
}
