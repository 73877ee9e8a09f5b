package dev.silentrefresh.jdk;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.spi.SessionCalls;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.Flow;

/**
 * Wraps the caller's body handler. When core may need the body to classify the reply (the session
 * says so), the start of the body is peeked: read until {@link SessionCalls#peekIsEnough} says it
 * holds a complete first JSON value, the body ends, the peek limit is passed or the peek timeout
 * passes. The reply then goes on at once; the caller's handler gets the peeked buffers followed by
 * the rest of the live stream, as fast as it asks for them. Otherwise the caller's handler runs as is.
 */
final class PeekingBodyHandler<T> implements HttpResponse.BodyHandler<Peeked<T>> {
  private final HttpResponse.BodyHandler<T> handler;
  private final TokenSession session;
  private final boolean peek;

  PeekingBodyHandler(HttpResponse.BodyHandler<T> handler, TokenSession session, boolean peek) {
    this.handler = handler;
    this.session = session;
    this.peek = peek;
  }

  @Override
  public HttpResponse.BodySubscriber<Peeked<T>> apply(HttpResponse.ResponseInfo info) {
    String type = info.headers().firstValue("Content-Type").orElse(null);
    long length = info.headers().firstValueAsLong("Content-Length").orElse(-1);
    SessionCalls calls = SessionCalls.of(session);
    if (peek && calls.wantsBody(info.statusCode(), type, length)) {
      return new PeekingSubscriber<>(handler, info, calls);
    }
    return HttpResponse.BodySubscribers.mapping(handler.apply(info),
        t -> Peeked.streamed(CompletableFuture.completedFuture(t)));
  }

  /**
   * Peeks, then holds the stream until the reply is judged: core then either discards it (the
   * upstream is cancelled) or it goes to the caller, whose subscriber is relayed everything received
   * so far and then the live stream, within its demand. Upstream signals arrive one at a time (the
   * Flow contract); the caller's subscription and the peek timer may act from other threads, so state
   * is guarded by this object, and signals to the caller's subscriber are serialized by {@link #drain}.
   */
  private static final class PeekingSubscriber<T> implements HttpResponse.BodySubscriber<Peeked<T>> {
    private final HttpResponse.BodyHandler<T> handler;
    private final HttpResponse.ResponseInfo info;
    private final SessionCalls calls;
    private final int limit;
    private final CompletableFuture<Peeked<T>> result = new CompletableFuture<>();
    private Flow.Subscription upstream; // guarded by this; null until the client subscribes
    private final Future<?> timer;

    // guarded by this
    private final ArrayDeque<List<ByteBuffer>> received = new ArrayDeque<>(); // not yet relayed
    private byte[] peeked = new byte[512];
    private int peekedLength;
    private boolean peeking = true;
    private HttpResponse.BodySubscriber<T> downstream;
    private long demand; // asked by the caller's subscriber, not yet relayed
    private long requested; // asked of the upstream, not yet received
    private boolean ended;
    private Throwable error;
    private boolean endRelayed;
    private boolean cancelled;
    private boolean draining;
    private boolean drainAgain;

    PeekingSubscriber(HttpResponse.BodyHandler<T> handler, HttpResponse.ResponseInfo info, SessionCalls calls) {
      this.handler = handler;
      this.info = info;
      this.calls = calls;
      this.limit = calls.maxBodyPeekBytes();
      // From the headers, not from onSubscribe: some JDKs subscribe only when the first body bytes arrive.
      this.timer = PeekTimer.schedule(calls.bodyPeekTimeout(), calls.executor(), () -> endPeek(false));
    }

    @Override
    public CompletionStage<Peeked<T>> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      boolean cancelNow;
      boolean stillPeeking;
      synchronized (this) {
        upstream = subscription;
        cancelNow = cancelled;
        stillPeeking = peeking;
        if (stillPeeking && !cancelNow) requested = 1;
      }
      if (cancelNow) subscription.cancel();
      else if (stillPeeking) subscription.request(1);
      else drain(); // the peek timed out before the first bytes: relay at the caller's pace
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      boolean more = false;
      boolean enough = false;
      synchronized (this) {
        requested--;
        if (cancelled) return;
        received.add(items);
        if (peeking) {
          for (ByteBuffer b : items) keep(b.duplicate());
          enough = peekedLength > limit || calls.peekIsEnough(peeked, peekedLength);
          if (!enough) {
            requested++;
            more = true;
          }
        }
      }
      if (enough) endPeek(true);
      else if (more) requestUpstream(1);
      drain();
    }

    @Override
    public void onError(Throwable t) {
      boolean wasPeeking;
      synchronized (this) {
        ended = true;
        error = t;
        wasPeeking = peeking;
        peeking = false;
      }
      if (wasPeeking) {
        timer.cancel(false);
        result.completeExceptionally(t); // no reply to judge: the send fails as the plain client's would
      } else {
        drain();
      }
    }

    @Override
    public void onComplete() {
      synchronized (this) {
        ended = true;
      }
      endPeek(true);
      drain();
    }

    /** Appends to the peeked bytes, up to one byte past the limit. */
    private void keep(ByteBuffer b) {
      int n = Math.min(b.remaining(), limit + 1 - peekedLength);
      if (n <= 0) return;
      if (peekedLength + n > peeked.length) {
        peeked = Arrays.copyOf(peeked, Math.max(peekedLength + n, Math.min(peeked.length * 2, limit + 1)));
      }
      b.get(peeked, peekedLength, n);
      peekedLength += n;
    }

    /** Ends the peek, once: core gets what was peeked ({@code inTime}) or nothing (timed out, or past the limit). */
    private void endPeek(boolean inTime) {
      byte[] forCore;
      synchronized (this) {
        if (!peeking) return;
        peeking = false;
        forCore = inTime && peekedLength <= limit ? Arrays.copyOf(peeked, peekedLength) : null;
        peeked = null;
      }
      timer.cancel(false);
      result.complete(new Peeked<>(forCore, this::attach, this::discard));
    }

    /** Hands the stream to the caller's subscriber, made now by the caller's handler. */
    private CompletableFuture<T> attach() {
      HttpResponse.BodySubscriber<T> subscriber = handler.apply(info);
      synchronized (this) {
        downstream = subscriber;
      }
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          synchronized (PeekingSubscriber.this) {
            if (n <= 0) {
              cancelled = true;
              received.clear();
              ended = true;
              error = new IllegalArgumentException("non-positive request " + n);
            } else {
              demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
          }
          if (n <= 0) cancelUpstream();
          drain();
        }

        @Override
        public void cancel() {
          discard();
        }
      });
      return subscriber.getBody().toCompletableFuture();
    }

    private void discard() {
      synchronized (this) {
        cancelled = true;
        received.clear();
      }
      cancelUpstream();
    }

    private void requestUpstream(long n) {
      Flow.Subscription up;
      synchronized (this) {
        up = upstream;
      }
      up.request(n); // only called once subscribed (onNext, or drain with upstream set)
    }

    /** Cancels the upstream, or (not subscribed yet) lets onSubscribe cancel it. */
    private void cancelUpstream() {
      Flow.Subscription up;
      synchronized (this) {
        up = upstream;
      }
      if (up != null) up.cancel();
    }

    /** Relays what the caller's subscriber asked for; asks the upstream for more when all was relayed. */
    private void drain() {
      synchronized (this) {
        if (draining) {
          drainAgain = true;
          return;
        }
        draining = true;
      }
      for (;;) {
        List<ByteBuffer> item = null;
        boolean end = false;
        Throwable endError = null;
        long more = 0;
        boolean again;
        synchronized (this) {
          if (downstream != null && !endRelayed) {
            if (error != null && cancelled) { // the caller's subscriber broke the protocol
              end = true;
              endError = error;
            } else if (demand > 0 && !received.isEmpty()) {
              item = received.poll();
              demand--;
            } else if (received.isEmpty() && ended && !cancelled) {
              end = true;
              endError = error;
            } else if (!ended && !cancelled && !peeking && upstream != null && demand > requested) {
              more = demand - requested;
              requested = demand;
            }
            if (end) endRelayed = true;
          }
          again = item != null || end || drainAgain;
          drainAgain = false;
          if (!again) draining = false;
        }
        if (item != null) {
          downstream.onNext(item);
        } else if (end) {
          if (endError != null) downstream.onError(endError);
          else downstream.onComplete();
        }
        if (more > 0) requestUpstream(more);
        if (!again) return;
      }
    }
  }
}
