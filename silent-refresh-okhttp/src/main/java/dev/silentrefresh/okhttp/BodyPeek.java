package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;

/**
 * The start of a reply body, read for core without taking it from the caller: bytes are requested
 * into the body's own {@link BufferedSource} buffer, which the caller then reads first. Reading
 * stops once {@link SessionCalls#peekIsEnough} says the start holds a complete first JSON value,
 * the body ends, or the peek limit is passed.
 *
 * <p>A blocking read cannot be bounded in time without closing the socket (Okio's timeouts do), so
 * the reading runs on a helper thread while the calling thread waits at most
 * {@link SessionCalls#bodyPeekTimeout()}. Past that, the reply goes on with a body whose reads first
 * wait for the helper's last read to return, then continue on the same source: the caller gets every
 * byte, in order, as it arrives.
 */
final class BodyPeek {
  private static final ExecutorService READERS = DaemonThreads.pool("silent-refresh-okhttp-peek");

  private final ResponseBody body;
  private final CompletableFuture<byte[]> reading;
  private final Runnable abort;
  private volatile boolean stop;
  private byte[] bytes;
  private boolean done;

  private BodyPeek(ResponseBody body, Runnable abort) {
    this.body = body;
    this.abort = abort;
    this.reading = new CompletableFuture<>();
  }

  /**
   * Peeks at {@code body}, waiting at most the session's peek timeout.
   *
   * @param abort ends the call, so that a read stuck on the helper thread returns when the caller
   *     closes the body early
   */
  static BodyPeek start(ResponseBody body, SessionCalls calls, Runnable abort) throws InterruptedIOException {
    BodyPeek peek = new BodyPeek(body, abort);
    READERS.execute(() -> {
      try {
        peek.reading.complete(peek.read(body.source(), calls));
      } catch (IOException | RuntimeException e) {
        peek.reading.complete(null); // no signal to read; the caller meets the failure reading the body
      }
    });
    try {
      peek.bytes = peek.reading.get(calls.bodyPeekTimeout().toNanos(), TimeUnit.NANOSECONDS);
      peek.done = true;
    } catch (TimeoutException e) {
      peek.stop = true; // the reply goes on unjudged; the helper stops after the read in progress
    } catch (ExecutionException e) {
      peek.done = true; // not thrown: read() failures complete with null
    } catch (InterruptedException e) {
      peek.stop = true;
      Thread.currentThread().interrupt();
      InterruptedIOException io = new InterruptedIOException("interrupted while peeking at the reply body");
      io.initCause(e);
      throw io;
    }
    return peek;
  }

  private byte[] read(BufferedSource source, SessionCalls calls) throws IOException {
    int limit = calls.maxBodyPeekBytes();
    Buffer buffer = source.getBuffer();
    for (;;) {
      long size = buffer.size();
      if (size > limit) return null; // too long to be a signal
      byte[] start = buffer.copy().readByteArray();
      if (size > 0 && calls.peekIsEnough(start, start.length)) return start;
      if (stop || !source.request(size + 1)) return start; // timed out, or the body ended
    }
  }

  /** True when the peek ended in time: the original body, its start buffered, is the caller's. */
  boolean isDone() {
    return done;
  }

  /** What core gets to look at: the start of the body, or null. */
  byte[] bytes() {
    return done ? bytes : null;
  }

  /** The body for the caller when the peek timed out: the same source, read once the helper let go of it. */
  ResponseBody bodyForCaller() {
    BufferedSource afterPeek = Okio.buffer(new ForwardingSource(body.source()) {
      @Override
      public long read(Buffer sink, long byteCount) throws IOException {
        awaitReader();
        return super.read(sink, byteCount);
      }

      @Override
      public void close() throws IOException {
        if (!reading.isDone()) abort.run(); // the helper's read fails at once
        awaitReader();
        super.close();
      }
    });
    return new ResponseBody() {
      @Override
      public MediaType contentType() {
        return body.contentType();
      }

      @Override
      public long contentLength() {
        return body.contentLength();
      }

      @Override
      public BufferedSource source() {
        return afterPeek;
      }
    };
  }

  private void awaitReader() throws InterruptedIOException {
    try {
      reading.get();
    } catch (ExecutionException e) {
      // not thrown: read() failures complete with null
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the reply body");
    }
  }
}
