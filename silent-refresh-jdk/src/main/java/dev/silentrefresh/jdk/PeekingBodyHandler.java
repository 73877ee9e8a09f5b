package dev.silentrefresh.jdk;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.TokenSession;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Wraps the caller's body handler. When core may need the body to classify the reply (the session
 * says so), the body is buffered up to the session's peek limit; a longer body cannot be a signal and
 * is streamed to the caller's handler, buffered prefix first. Otherwise the caller's handler runs as is.
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
    if (peek && SessionCalls.of(session).wantsBody(info.statusCode(), type, length)) {
      return new PeekingSubscriber<>(handler, info, SessionCalls.of(session).maxBodyPeekBytes());
    }
    return HttpResponse.BodySubscribers.mapping(handler.apply(info),
        t -> Peeked.streamed(CompletableFuture.completedFuture(t)));
  }

  /** Buffers up to {@code limit} bytes; past it, hands the stream to the caller's subscriber. */
  private static final class PeekingSubscriber<T> implements HttpResponse.BodySubscriber<Peeked<T>> {
    private final HttpResponse.BodyHandler<T> handler;
    private final HttpResponse.ResponseInfo info;
    private final int limit;
    private final CompletableFuture<Peeked<T>> result = new CompletableFuture<>();
    private final List<ByteBuffer> buffered = new ArrayList<>();
    private long size;
    private Flow.Subscription upstream;
    private HttpResponse.BodySubscriber<T> downstream; // set once the body outgrew the limit
    private PrefixRelay relay;

    PeekingSubscriber(HttpResponse.BodyHandler<T> handler, HttpResponse.ResponseInfo info, int limit) {
      this.handler = handler;
      this.info = info;
      this.limit = limit;
    }

    @Override
    public CompletionStage<Peeked<T>> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (downstream != null) {
        downstream.onNext(items);
        return;
      }
      for (ByteBuffer b : items) {
        ByteBuffer copy = ByteBuffer.allocate(b.remaining());
        copy.put(b).flip();
        buffered.add(copy);
        size += copy.remaining();
      }
      if (size <= limit) {
        upstream.request(1);
        return;
      }
      downstream = handler.apply(info);
      result.complete(Peeked.streamed(downstream.getBody().toCompletableFuture()));
      relay = new PrefixRelay(new ArrayList<>(buffered));
      buffered.clear();
      downstream.onSubscribe(relay);
    }

    /**
     * The caller's subscription: first the buffered prefix, then the live stream. An end (complete or
     * error) that arrives before the prefix was asked for is held until it has been delivered.
     */
    private final class PrefixRelay implements Flow.Subscription {
      private List<ByteBuffer> prefix;
      private boolean delivered;
      private boolean ended;
      private Throwable error;

      PrefixRelay(List<ByteBuffer> prefix) {
        this.prefix = prefix;
      }

      @Override
      public void request(long n) {
        if (n <= 0) {
          upstream.request(n); // let the publisher report the protocol violation
          return;
        }
        List<ByteBuffer> first;
        synchronized (this) {
          first = prefix;
          prefix = null;
        }
        if (first != null) {
          downstream.onNext(first);
          n--;
          boolean endNow;
          Throwable err;
          synchronized (this) {
            delivered = true;
            endNow = ended;
            err = error;
          }
          if (endNow) {
            if (err != null) downstream.onError(err);
            else downstream.onComplete();
            return;
          }
        }
        if (n > 0) upstream.request(n);
      }

      @Override
      public void cancel() {
        upstream.cancel();
      }

      /** True when the end may be signalled now; otherwise it is held until the prefix went out. */
      synchronized boolean end(Throwable t) {
        if (delivered) return true;
        ended = true;
        error = t;
        return false;
      }
    }

    @Override
    public void onError(Throwable t) {
      if (downstream == null) result.completeExceptionally(t);
      else if (relay.end(t)) downstream.onError(t);
    }

    @Override
    public void onComplete() {
      if (downstream != null) {
        if (relay.end(null)) downstream.onComplete();
        return;
      }
      byte[] all = new byte[(int) size];
      int at = 0;
      for (ByteBuffer b : buffered) {
        int n = b.remaining();
        b.get(all, at, n);
        at += n;
      }
      buffered.clear();
      result.complete(Peeked.buffered(all, handler, info));
    }
  }
}
