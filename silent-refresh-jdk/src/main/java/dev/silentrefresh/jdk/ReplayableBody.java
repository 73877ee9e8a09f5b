package dev.silentrefresh.jdk;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that can be sent a second time: while the first send reads the caller's
 * publisher, a copy of up to {@code limit} bytes is kept; the replay sends the copy. A body larger
 * than the limit (or one that failed) is not replayed, and {@link #notReplayableReason()} says why.
 */
final class ReplayableBody {
  private final HttpRequest.BodyPublisher original;
  private final int limit;
  private volatile Capture last;

  private ReplayableBody(HttpRequest.BodyPublisher original, int limit) {
    this.original = original;
    this.limit = limit;
  }

  /** Null when {@code request} has no body. */
  static ReplayableBody of(HttpRequest request, int limit) {
    return request.bodyPublisher()
        .filter(p -> p.contentLength() != 0)
        .map(p -> new ReplayableBody(p, limit))
        .orElse(null);
  }

  /** The publisher for the first send: the caller's, copied on the way through. */
  HttpRequest.BodyPublisher first() {
    if (original.contentLength() > limit) return original;
    return new HttpRequest.BodyPublisher() {
      @Override
      public long contentLength() {
        return original.contentLength();
      }

      @Override
      public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        Capture capture = new Capture();
        last = capture;
        original.subscribe(new Flow.Subscriber<ByteBuffer>() {
          @Override
          public void onSubscribe(Flow.Subscription s) {
            subscriber.onSubscribe(s);
          }

          @Override
          public void onNext(ByteBuffer item) {
            capture.add(item.duplicate(), limit);
            subscriber.onNext(item);
          }

          @Override
          public void onError(Throwable t) {
            capture.failed = true;
            subscriber.onError(t);
          }

          @Override
          public void onComplete() {
            capture.complete = true;
            subscriber.onComplete();
          }
        });
      }
    };
  }

  /** Null when the body can be replayed; otherwise why not. */
  String notReplayableReason() {
    long length = original.contentLength();
    if (length > limit) {
      return "the request body (" + length + " bytes) is larger than the replay buffer (" + limit + " bytes)";
    }
    Capture c = last;
    if (c == null || c.failed || !c.complete) return "the request body was not read completely on the first send";
    if (c.overflow) return "the request body is larger than the replay buffer (" + limit + " bytes)";
    return null;
  }

  /** The publisher for the replay: the copy made on the first send. */
  HttpRequest.BodyPublisher replay() {
    return HttpRequest.BodyPublishers.ofByteArray(last.out.toByteArray());
  }

  private static final class Capture {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    volatile boolean complete;
    volatile boolean failed;
    volatile boolean overflow;

    synchronized void add(ByteBuffer b, int limit) {
      if (overflow) return;
      if (out.size() + b.remaining() > limit) {
        overflow = true;
        out.reset();
        return;
      }
      byte[] chunk = new byte[b.remaining()];
      b.get(chunk);
      out.write(chunk, 0, chunk.length);
    }
  }
}
