package dev.silentrefresh.internal;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * One refresh (or re-login) in progress, shared by every request that needs it. Its invariants live
 * here and nowhere else:
 * <ul>
 *   <li>It lands <b>exactly once</b> ({@link #land} / {@link #fail}); later calls are ignored, so every
 *       path may call them, whatever was thrown.</li>
 *   <li>It counts its own waiters; a waiter that is cancelled leaves at once (count and memory).</li>
 *   <li>Waiters are completed on the session's executor, never on the thread that landed the flight
 *       (a client's I/O thread, an event loop or the shared timer).</li>
 * </ul>
 *
 * @param <T> what the flight yields
 */
public final class RefreshFlight<T> {
  /** Which account epoch started it: a sign-in or sign-out after that supersedes it. */
  public final long epoch;
  /** When the flight started, in {@link System#nanoTime()} terms. */
  public final long startedNanos;
  /** True once it is a re-login (the session ended; the login handler runs). */
  private volatile boolean relogin;
  /** When it fails if it has not landed, in {@link System#nanoTime()} terms. Moves only for a login. */
  private volatile long deadlineNanos;

  private final Executor executor;
  private final AtomicBoolean landed = new AtomicBoolean();
  private final AtomicBoolean failureTold = new AtomicBoolean();
  private final Set<Waiter<T, ?>> waiters = ConcurrentHashMap.newKeySet();
  private volatile boolean tokenKnownBad;
  private volatile T value;
  private volatile Throwable failure;

  public RefreshFlight(long epoch, boolean relogin, boolean tokenKnownBad, long deadlineNanosFromNow, Executor executor) {
    this.epoch = epoch;
    this.relogin = relogin;
    this.tokenKnownBad = tokenKnownBad;
    this.executor = executor;
    this.startedNanos = System.nanoTime();
    this.deadlineNanos = startedNanos + deadlineNanosFromNow;
  }

  public boolean isRelogin() {
    return relogin;
  }

  /** The session ended: from now on this flight waits for the login handler, until {@code timeoutNanos} from now. */
  public void becomeRelogin(long timeoutNanos) {
    relogin = true;
    deadlineNanos = System.nanoTime() + timeoutNanos;
  }

  /** Nanoseconds left before the deadline (zero or less: passed). */
  public long nanosLeft() {
    return deadlineNanos - System.nanoTime();
  }

  /** True once a request has seen the current token rejected (or it is past its margin): new requests wait. */
  public boolean tokenKnownBad() {
    return tokenKnownBad;
  }

  public void markTokenKnownBad() {
    tokenKnownBad = true;
  }

  public boolean hasLanded() {
    return landed.get();
  }

  /**
   * True for the first caller only: the one that tells listeners this flight failed, where its deadline and a
   * failure of its own may end it at the same moment.
   */
  public boolean claimFailureEvent() {
    return !landed.get() && failureTold.compareAndSet(false, true);
  }

  /** How many requests wait on this flight now. */
  public int waiters() {
    return waiters.size();
  }

  /**
   * A new waiter: a future completed (on the executor) with {@code onLanded} applied to the flight's
   * value, or failed with {@code onFailed} applied to its failure. Cancelling it removes it from the
   * flight; the flight goes on for the others.
   */
  public <R> CompletableFuture<R> join(Function<T, R> onLanded, Function<Throwable, Throwable> onFailed) {
    Waiter<T, R> w = new Waiter<>(onLanded, onFailed);
    waiters.add(w);
    w.future.whenComplete((r, e) -> waiters.remove(w));
    if (landed.get()) deliver(w); // landed while joining: deliver at most once (Waiter.claim)
    return w.future;
  }

  /** Lands the flight with {@code result}. Returns false when it had landed already. */
  public boolean land(T result) {
    return finish(result, null);
  }

  /** Lands the flight with {@code error}. Returns false when it had landed already. */
  public boolean fail(Throwable error) {
    return finish(null, error);
  }

  private synchronized boolean finish(T result, Throwable error) {
    if (landed.get()) return false;
    value = result;
    failure = error;
    landed.set(true);
    for (Waiter<T, ?> w : waiters) deliver(w);
    return true;
  }

  private void deliver(Waiter<T, ?> w) {
    if (!w.claim()) return;
    Runnable task = () -> w.complete(value, failure);
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      task.run(); // an executor that is shutting down must not strand a waiter
    }
  }

  private static final class Waiter<T, R> {
    final CompletableFuture<R> future = new CompletableFuture<>();
    final Function<T, R> onLanded;
    final Function<Throwable, Throwable> onFailed;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Waiter(Function<T, R> onLanded, Function<Throwable, Throwable> onFailed) {
      this.onLanded = onLanded;
      this.onFailed = onFailed;
    }

    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    void complete(T value, Throwable failure) {
      if (future.isDone()) return;
      try {
        if (failure != null) future.completeExceptionally(onFailed.apply(failure));
        else future.complete(onLanded.apply(value));
      } catch (Throwable t) {
        future.completeExceptionally(t);
      }
    }
  }
}
