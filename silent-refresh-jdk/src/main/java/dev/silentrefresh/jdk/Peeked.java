package dev.silentrefresh.jdk;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A reply body as the adapter holds it before core has judged the reply: either buffered whole
 * (small JSON that may carry a body signal) or already streaming into the caller's body handler.
 */
final class Peeked<T> {
  private final byte[] bytes;
  private final CompletableFuture<T> streamed;
  private final HttpResponse.BodyHandler<T> handler;
  private final HttpResponse.ResponseInfo info;

  private Peeked(byte[] bytes, CompletableFuture<T> streamed, HttpResponse.BodyHandler<T> handler,
      HttpResponse.ResponseInfo info) {
    this.bytes = bytes;
    this.streamed = streamed;
    this.handler = handler;
    this.info = info;
  }

  static <T> Peeked<T> buffered(byte[] bytes, HttpResponse.BodyHandler<T> handler, HttpResponse.ResponseInfo info) {
    return new Peeked<>(bytes, null, handler, info);
  }

  static <T> Peeked<T> streamed(CompletableFuture<T> body) {
    return new Peeked<>(null, body, null, null);
  }

  /** The whole body when it was buffered, else null. */
  byte[] bytes() {
    return bytes;
  }

  /** The caller's body, as their handler makes it (fed from the buffer when the body was buffered). */
  CompletableFuture<T> body() {
    if (streamed != null) return streamed;
    return feed(handler.apply(info), bytes);
  }

  /** Releases a body that will not reach the caller. */
  void discard() {
    if (streamed != null) {
      streamed.thenAccept(t -> {
        if (t instanceof AutoCloseable) {
          try {
            ((AutoCloseable) t).close();
          } catch (Exception ignored) {
            // nothing more to release
          }
        }
      });
    }
  }

  private static <T> CompletableFuture<T> feed(HttpResponse.BodySubscriber<T> subscriber, byte[] bytes) {
    subscriber.onSubscribe(new Flow.Subscription() {
      private boolean done;

      @Override
      public synchronized void request(long n) {
        if (done) return;
        done = true;
        if (n <= 0) {
          subscriber.onError(new IllegalArgumentException("non-positive request " + n));
          return;
        }
        if (bytes.length > 0) subscriber.onNext(List.of(ByteBuffer.wrap(bytes).asReadOnlyBuffer()));
        subscriber.onComplete();
      }

      @Override
      public synchronized void cancel() {
        done = true;
      }
    });
    return subscriber.getBody().toCompletableFuture();
  }
}
