package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Subscription;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * A reactive reply body read ahead so that core can look for a body signal: one buffer at a time, until the
 * bytes read are enough ({@link SessionCalls#peekIsEnough}), the body ends, {@code maxBodyPeekBytes} is
 * reached or {@code bodyPeekTimeout} passes (a timer, never a blocked thread), whichever is first. The
 * caller gets the bytes read ahead, then the rest of the live stream, read only as fast as they ask.
 */
final class BodyPeek {
  private final byte[] prefix;
  private final byte[] signal;
  private final Peeker live; // null when the body ended while peeking

  private BodyPeek(byte[] prefix, byte[] signal, Peeker live) {
    this.prefix = prefix;
    this.signal = signal;
    this.live = live;
  }

  /** Reads ahead in {@code body} as {@code calls} asks. */
  static Mono<BodyPeek> peek(Flux<DataBuffer> body, SessionCalls calls) {
    return Mono.create(sink -> {
      Peeker peeker = new Peeker(calls, sink);
      sink.onCancel(peeker::abandon);
      body.subscribe(peeker);
    });
  }

  /** The bytes read ahead when they hold a complete value (or the whole body), else null: no signal to look for. */
  byte[] bytes() {
    return signal;
  }

  /**
   * The caller's body: the bytes read ahead, then the live stream. Like the body it stands for, it can be
   * read once: cancelling it at any point (within the bytes read ahead too) cancels the live stream, which
   * lets Reactor Netty close the connection rather than wait for an end that may never come; a later
   * subscription fails, so that Spring's release of an already read body ends at once.
   */
  Flux<DataBuffer> body() {
    if (live == null) {
      return prefix.length == 0 ? Flux.empty()
          : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(prefix.clone())));
    }
    return Flux.create(sink -> live.attach(sink, prefix));
  }

  /** Stops the live stream without reading it to its end (a reply that reaches nobody); the body is then gone. */
  void discard() {
    if (live != null) live.discard();
  }

  /**
   * Requests one buffer at a time while peeking; once handed over, relays the rest on the caller's demand.
   * Its state is guarded by {@code this}: the signal methods and the timer may run on different threads.
   */
  private static final class Peeker extends BaseSubscriber<DataBuffer> {
    private final SessionCalls calls;
    private final MonoSink<BodyPeek> result;
    private final ByteArrayOutputStream read = new ByteArrayOutputStream();
    private final List<DataBuffer> held = new ArrayList<>(); // arrived after the hand-over, before the caller asked
    private Disposable timer;
    private boolean handedOver;
    private FluxSink<DataBuffer> tail;
    private boolean attached;
    private boolean cancelled; // the rest was cancelled: what still arrives is dropped
    private boolean ended;
    private Throwable error;

    Peeker(SessionCalls calls, MonoSink<BodyPeek> result) {
      this.calls = calls;
      this.result = result;
    }

    @Override
    protected void hookOnSubscribe(Subscription subscription) {
      timer = Schedulers.parallel().schedule(this::timeUp, calls.bodyPeekTimeout().toMillis(), TimeUnit.MILLISECONDS);
      subscription.request(1);
    }

    @Override
    protected void hookOnNext(DataBuffer buffer) {
      BodyPeek done;
      synchronized (this) {
        if (handedOver) {
          if (cancelled) DataBufferUtils.release(buffer);
          else if (tail == null) held.add(buffer);
          else tail.next(buffer);
          return;
        }
        try {
          byte[] chunk = new byte[buffer.readableByteCount()];
          buffer.read(chunk);
          read.write(chunk, 0, chunk.length);
        } finally {
          DataBufferUtils.release(buffer);
        }
        byte[] bytes = read.toByteArray();
        boolean enough = calls.peekIsEnough(bytes, bytes.length);
        if (!enough && bytes.length < calls.maxBodyPeekBytes()) {
          done = null;
        } else {
          done = handOver(enough ? bytes : null);
        }
      }
      if (done == null) request(1);
      else result.success(done);
    }

    /** Past the peek timeout: hand over what was read; core sees no signal. */
    private void timeUp() {
      BodyPeek done;
      synchronized (this) {
        if (handedOver) return;
        done = handOver(null);
      }
      result.success(done);
    }

    private BodyPeek handOver(byte[] signal) {
      handedOver = true;
      timer.dispose();
      return new BodyPeek(read.toByteArray(), signal, this);
    }

    @Override
    protected void hookOnComplete() {
      if (!endedWhilePeeking(null)) return;
      byte[] bytes;
      synchronized (this) {
        bytes = read.toByteArray();
      }
      result.success(new BodyPeek(bytes, bytes, null));
    }

    @Override
    protected void hookOnError(Throwable t) {
      if (endedWhilePeeking(t)) result.error(t);
    }

    /** True when the body ended before the hand-over (the peek then ends too); else passes the end on. */
    private synchronized boolean endedWhilePeeking(Throwable t) {
      if (handedOver) {
        end(t);
        return false;
      }
      handedOver = true;
      timer.dispose();
      return true;
    }

    /** The peek was cancelled before it was done: stop reading. */
    void abandon() {
      synchronized (this) {
        if (handedOver) return;
        handedOver = true;
        if (timer != null) timer.dispose();
      }
      dispose();
    }

    /** The caller's subscription: {@code prefix} first, then what arrived meanwhile, then the live stream. */
    void attach(FluxSink<DataBuffer> sink, byte[] prefix) {
      synchronized (this) {
        if (attached) {
          sink.error(new IllegalStateException("the reply body can be read only once"));
          return;
        }
        attached = true;
        sink.onCancel(this::cancelRest); // before anything is emitted: a cancel within the prefix counts too
        if (prefix.length > 0) sink.next(DefaultDataBufferFactory.sharedInstance.wrap(prefix));
        for (DataBuffer buffer : held) sink.next(buffer);
        held.clear();
        if (ended) {
          if (error != null) sink.error(error);
          else sink.complete();
          return;
        }
        tail = sink;
      }
      sink.onRequest(this::request);
    }

    /** Nobody will read the rest: cancel it, unless someone already does. */
    void discard() {
      synchronized (this) {
        if (attached) return;
        attached = true;
      }
      cancelRest();
    }

    private void cancelRest() {
      cancel();
      synchronized (this) {
        cancelled = true;
        tail = null;
        held.forEach(DataBufferUtils::release);
        held.clear();
      }
    }

    /** The live stream ended (called holding the lock); held until the caller subscribes to the rest. */
    private void end(Throwable t) {
      if (cancelled) return;
      if (tail == null) {
        ended = true;
        error = t;
      } else if (t != null) {
        tail.error(t);
      } else {
        tail.complete();
      }
    }
  }
}
