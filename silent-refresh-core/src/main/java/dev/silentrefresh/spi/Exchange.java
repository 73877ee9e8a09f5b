package dev.silentrefresh.spi;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.TokenSession;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One request as an adapter lets a {@link TokenSession} drive it: core decides which token to send,
 * whether the reply was a rejection, and whether to replay; the adapter only sends and looks.
 *
 * @param <R> the adapter's reply type
 */
public interface Exchange<R> {
  /** The reply's HTTP status. */
  int status(R reply);

  /** The first value of reply header {@code name} (any case), or null. */
  @Nullable String header(R reply, String name);

  /**
   * The start of the reply body the adapter peeked (see {@link SessionCalls#peekIsEnough}) without taking
   * it from the caller; otherwise null. Core asks only when {@link Dialect#needsBody(int)} says the status may carry a signal.
   */
  byte @Nullable [] body(R reply);

  /**
   * Where the reply came from, after any redirects the client followed; null when it is the request's
   * own URI (or the client cannot tell). Core judges only replies from the session's scope: a rejection
   * from another origin is that origin's business, never a reason to refresh.
   */
  default java.net.@Nullable URI replyUri(R reply) {
    return null;
  }

  /** Releases a reply that will not reach the caller (a rejected one about to be replayed). */
  void discard(R reply);

  /** Null when the request can be sent again; otherwise the reason it cannot (e.g. a one-shot body). */
  default @Nullable String notReplayableReason() {
    return null;
  }

  /**
   * True once the caller has cancelled the request. A blocking wait for a refresh then ends promptly
   * with an {@link java.io.InterruptedIOException}; the refresh goes on for the requests still waiting.
   */
  default boolean isCancelled() {
    return false;
  }

  /** An exchange whose sending blocks the calling thread. */
  interface Blocking<R> extends Exchange<R> {
    /**
     * Sends the request, with the dialect's token header set to {@code tokenHeaderValue} (replacing any
     * already there), or untouched when {@code tokenHeaderValue} is null.
     */
    R send(@Nullable String tokenHeaderValue) throws IOException;
  }

  /** An exchange whose sending never blocks. */
  interface Async<R> extends Exchange<R> {
    /** As {@link Blocking#send}, completing when the reply arrives. */
    CompletableFuture<R> send(@Nullable String tokenHeaderValue);
  }
}
