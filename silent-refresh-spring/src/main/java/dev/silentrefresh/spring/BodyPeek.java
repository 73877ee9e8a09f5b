package dev.silentrefresh.spring;

import java.io.ByteArrayOutputStream;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A reactive reply body read ahead up to a limit so that core can look for a body signal. A body within
 * the limit is held as bytes (its pooled buffers released at once); a longer one cannot be a signal: the
 * caller gets the bytes read ahead, then the rest of the live stream, read only as fast as they ask.
 */
final class BodyPeek {
  private final byte[] prefix;
  private final boolean whole;
  private final Flux<DataBuffer> rest;

  private BodyPeek(byte[] prefix, boolean whole, Flux<DataBuffer> rest) {
    this.prefix = prefix;
    this.whole = whole;
    this.rest = rest;
  }

  /** Reads {@code body} until it ends or passes {@code limit} bytes. */
  static Mono<BodyPeek> peek(Flux<DataBuffer> body, int limit) {
    return Mono.create(sink -> {
      Peeker peeker = new Peeker(limit, sink);
      sink.onCancel(peeker::abandon);
      body.subscribe(peeker);
    });
  }

  /** The whole body when it fit the limit, else null. */
  byte[] bytes() {
    return whole ? prefix : null;
  }

  /** The caller's body, intact. */
  Flux<DataBuffer> body() {
    Flux<DataBuffer> read = prefix.length == 0 ? Flux.empty()
        : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(prefix)));
    return whole ? read : Flux.concat(read, rest);
  }

  /** Requests one buffer at a time until the limit; then relays the rest on the caller's demand. */
  private static final class Peeker extends BaseSubscriber<DataBuffer> {
    private final int limit;
    private final MonoSink<BodyPeek> result;
    private final ByteArrayOutputStream read = new ByteArrayOutputStream();
    private volatile boolean overflowed; // written only by the signal methods, which are serialized
    private FluxSink<DataBuffer> tail;
    private boolean attached;
    private boolean ended;
    private Throwable error;

    Peeker(int limit, MonoSink<BodyPeek> result) {
      this.limit = limit;
      this.result = result;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      subscription.request(1);
    }

    @Override
    protected void hookOnNext(DataBuffer buffer) {
      if (overflowed) {
        FluxSink<DataBuffer> t;
        synchronized (this) {
          t = tail;
        }
        if (t == null) DataBufferUtils.release(buffer); // not requested by anyone: cannot happen
        else t.next(buffer);
        return;
      }
      try {
        byte[] chunk = new byte[buffer.readableByteCount()];
        buffer.read(chunk);
        read.write(chunk, 0, chunk.length);
      } finally {
        DataBufferUtils.release(buffer);
      }
      if (read.size() <= limit) {
        request(1);
        return;
      }
      overflowed = true;
      result.success(new BodyPeek(read.toByteArray(), false, Flux.create(this::attach)));
    }

    @Override
    protected void hookOnComplete() {
      if (!overflowed) result.success(new BodyPeek(read.toByteArray(), true, null));
      else end(null);
    }

    @Override
    protected void hookOnError(Throwable t) {
      if (!overflowed) result.error(t);
      else end(t);
    }

    /** The peek was cancelled before it was done: stop reading. */
    void abandon() {
      if (!overflowed) dispose();
    }

    private void attach(FluxSink<DataBuffer> sink) {
      boolean endNow;
      Throwable err;
      synchronized (this) {
        if (attached) {
          sink.error(new IllegalStateException("the reply body can be read only once"));
          return;
        }
        attached = true;
        tail = sink;
        endNow = ended;
        err = error;
      }
      if (endNow) {
        if (err != null) sink.error(err);
        else sink.complete();
        return;
      }
      sink.onCancel(this::cancel);
      sink.onRequest(this::request);
    }

    /** The live stream ended; held until the caller subscribes to the rest. */
    private void end(Throwable t) {
      FluxSink<DataBuffer> sink;
      synchronized (this) {
        sink = tail;
        if (sink == null) {
          ended = true;
          error = t;
          return;
        }
      }
      if (t != null) sink.error(t);
      else sink.complete();
    }
  }
}
