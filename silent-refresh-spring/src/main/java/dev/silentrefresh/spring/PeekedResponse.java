package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A reply whose body was read ahead so that core can look for a body signal: only until the bytes read are
 * enough ({@link SessionCalls#peekIsEnough}), the body ends, {@code maxBodyPeekBytes} is reached or
 * {@code bodyPeekTimeout} passes, whichever is first. The reading is done on a daemon thread so that the
 * caller can stop waiting; that thread finishes the one read it is in and stops. The caller's body is the
 * bytes read ahead, then the live stream, as it arrives.
 */
final class PeekedResponse implements ClientHttpResponse {
  private final ClientHttpResponse response;
  private final Peek peek;
  private final byte[] signal;

  private PeekedResponse(ClientHttpResponse response, Peek peek, byte[] signal) {
    this.response = response;
    this.peek = peek;
    this.signal = signal;
  }

  /** Reads ahead in {@code response}'s body as {@code calls} asks, waiting at most its peek timeout. */
  static PeekedResponse peek(ClientHttpResponse response, SessionCalls calls) throws IOException {
    Peek peek = new Peek(response.getBody(), calls);
    BlockingCalls.POOL.execute(peek::readAhead);
    return new PeekedResponse(response, peek, peek.await(calls.bodyPeekTimeout().toNanos()));
  }

  /** The bytes read ahead when they hold a complete value (or the whole body), else null: no signal to look for. */
  byte[] bytes() {
    return signal == null ? null : signal.clone();
  }

  @Override
  public InputStream getBody() {
    return peek;
  }

  @Override
  public HttpStatusCode getStatusCode() throws IOException {
    return response.getStatusCode();
  }

  @Override
  public String getStatusText() throws IOException {
    return response.getStatusText();
  }

  @Override
  public HttpHeaders getHeaders() {
    return response.getHeaders();
  }

  /**
   * Closes the reply; while the read-ahead is still in its last read, that thread closes it once the read
   * is done (two threads must not read the body at once, and Spring's {@code close} reads to the end).
   */
  @Override
  public void close() {
    if (peek.closeAfterRead(response::close)) response.close();
  }

  /**
   * Lets go of a reply nobody will read without reading it to its end, which may never come (Spring's
   * {@code close} would drain it): the body stream is closed first (the connection goes), then the reply.
   */
  void discard() {
    Runnable abort = () -> {
      try {
        peek.body.close();
      } catch (IOException ignored) {
        // closing is all we want; the close below finds the stream closed and stops at once
      }
      response.close();
    };
    if (peek.closeAfterRead(abort)) abort.run();
  }

  /** The read-ahead, and the caller's stream: its bytes first, then the live body once the read-ahead stopped. */
  private static final class Peek extends InputStream {
    private final InputStream body;
    private final SessionCalls calls;
    private byte[] buf = new byte[1024];
    private int len; // bytes read ahead
    private int pos; // bytes of them handed to the caller
    private boolean reading; // the read-ahead is in a read of body
    private boolean stopped; // the read-ahead does no further read
    private boolean ended;
    private IOException error;
    private Runnable closeAfterRead;

    Peek(InputStream body, SessionCalls calls) {
      this.body = body;
      this.calls = calls;
    }

    /** On a daemon thread: reads until enough, the end, the limit, a failure, or until told to stop. */
    void readAhead() {
      byte[] chunk = new byte[8192];
      int limit = calls.maxBodyPeekBytes();
      while (true) {
        synchronized (this) {
          if (stopped) return;
          reading = true;
        }
        int n;
        IOException failed = null;
        try {
          n = body.read(chunk, 0, Math.min(chunk.length, Math.max(1, limit - len)));
        } catch (IOException e) {
          n = -1;
          failed = e;
        }
        Runnable toClose;
        synchronized (this) {
          reading = false;
          toClose = closeAfterRead;
          if (failed != null) error = failed;
          else if (n < 0) ended = true;
          else append(chunk, n);
          if (failed != null || ended || len >= limit || calls.peekIsEnough(buf, len)) stopped = true;
          notifyAll();
        }
        if (toClose != null) toClose.run();
        if (stopped()) return;
      }
    }

    private synchronized boolean stopped() {
      return stopped;
    }

    /** True when the caller may run {@code close} now; else the read-ahead runs it after its read. */
    synchronized boolean closeAfterRead(Runnable close) {
      stopped = true;
      if (!reading) return true;
      closeAfterRead = close;
      return false;
    }

    private void append(byte[] chunk, int n) {
      if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
      System.arraycopy(chunk, 0, buf, len, n);
      len += n;
    }

    /** Waits until the read-ahead stopped or {@code nanos} passed; the bytes for core, or null. */
    synchronized byte[] await(long nanos) throws IOException {
      long deadline = System.nanoTime() + nanos;
      try {
        for (long left = nanos; !stopped && left > 0; left = deadline - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopped = true;
        throw new java.io.InterruptedIOException("interrupted while reading the reply ahead");
      }
      if (!stopped) { // timed out: the read-ahead stops after the read it is in; core sees no signal
        stopped = true;
        return null;
      }
      return error == null && (ended || calls.peekIsEnough(buf, len)) ? Arrays.copyOf(buf, len) : null;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int n) throws IOException {
      if (n == 0) return 0;
      synchronized (this) {
        try {
          while (pos == len && reading) wait(); // the read-ahead's last read is still out
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while reading the reply");
        }
        if (pos < len) {
          int k = Math.min(n, len - pos);
          System.arraycopy(buf, pos, b, off, k);
          pos += k;
          return k;
        }
        if (error != null) throw error;
        if (ended) return -1;
      }
      return body.read(b, off, n); // read-ahead done and handed over: the live stream
    }

    @Override
    public void close() throws IOException {
      synchronized (this) {
        stopped = true;
      }
      body.close();
    }
  }
}
