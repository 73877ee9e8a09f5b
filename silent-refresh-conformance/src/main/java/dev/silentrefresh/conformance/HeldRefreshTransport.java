package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps an adapter's refresh transport and holds every reply back (after the server has answered, so
 * the server has already rotated) until {@link #release()}: a refresh "in flight" for as long as a
 * test needs, without timing. Released replies are handed to the session on the thread calling
 * {@link #release()} (or, once released, on the transport's own thread).
 */
public final class HeldRefreshTransport implements RefreshTransport {
  private final RefreshTransport inner;
  private final CompletableFuture<Void> gate = new CompletableFuture<>();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();

  public HeldRefreshTransport(RefreshTransport inner) {
    if (inner == null) throw new IllegalArgumentException("inner is null");
    this.inner = inner;
  }

  @Override
  public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
    sent.incrementAndGet();
    CompletableFuture<RefreshReply> handedOver = new CompletableFuture<>();
    inner.execute(request).whenComplete((reply, error) -> {
      answered.incrementAndGet();
      gate.whenComplete((open, never) -> {
        if (error != null) handedOver.completeExceptionally(error);
        else handedOver.complete(reply);
      });
    });
    return handedOver;
  }

  /** Refresh calls the session has made through this transport. */
  public int sent() {
    return sent.get();
  }

  /** Replies (or failures) received from the server and held back so far. */
  public int answered() {
    return answered.get();
  }

  /** Hands every held reply to the session, and every later one at once. */
  public void release() {
    gate.complete(null);
  }
}
