package dev.silentrefresh.internal;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.Tokens;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The tokens one session holds. Two invariants live here and nowhere else:
 * <ol>
 *   <li>What is held only moves <b>forward</b>: to a later store version, or from saved tokens to
 *       newer tokens not yet saved at the same version ({@link Generation#isNewerThan}).</li>
 *   <li>A sign-in or sign-out starts a new <b>epoch</b> and always wins: whatever started before it
 *       (a refresh, a re-read of the store) can no longer move the held tokens.</li>
 * </ol>
 * Every change is a compare-and-set on an immutable {@link Generation}; readers never lock.
 */
public final class HeldTokens {
  private final AtomicReference<Generation> current = new AtomicReference<>();

  /** What is held, or null before the store was first read. */
  public Generation get() {
    return current.get();
  }

  /** Holds {@code stored} unless something is held already; returns what is held. */
  public Generation loadIfAbsent(StoredTokens stored, Instant receivedAt) {
    current.compareAndSet(null, new Generation(stored, receivedAt, 0, 0, 0, null));
    return current.get();
  }

  /**
   * Moves to {@code next} when it is newer than what is held and the epoch is still {@code epoch}.
   *
   * @return true when {@code next} is now held (or an equal generation already was)
   */
  public boolean advance(long epoch, Generation next) {
    for (;;) {
      Generation cur = current.get();
      if (cur != null && (cur.epoch != epoch || cur.switching)) return false;
      if (cur != null && !next.isNewerThan(cur)) return cur.sameAs(next);
      if (current.compareAndSet(cur, next)) return true;
    }
  }

  /**
   * Starts a new epoch before a sign-in or sign-out writes the store, so that nothing started earlier
   * (a refresh landing, an adoption of what the store holds) can move the held tokens meanwhile.
   */
  public void beginSwitch() {
    for (;;) {
      Generation cur = current.get();
      if (cur == null) return; // never loaded: nothing can have started
      Generation next = new Generation(cur.stored, cur.receivedAt, cur.epoch + 1, cur.unsaved, cur.rejectedStreak,
          cur.endReason, true);
      if (current.compareAndSet(cur, next)) return;
    }
  }

  /** The sign-in or sign-out failed (the store refused it): what was held stays, in the new epoch. */
  public void abortSwitch() {
    for (;;) {
      Generation cur = current.get();
      if (cur == null || !cur.switching) return;
      Generation next = new Generation(cur.stored, cur.receivedAt, cur.epoch, cur.unsaved, cur.rejectedStreak,
          cur.endReason, false);
      if (current.compareAndSet(cur, next)) return;
    }
  }

  /**
   * A sign-in or sign-out: holds {@code stored} in a new epoch, whatever was held.
   *
   * @param endReason for a sign-out, why there is no session now; null for a sign-in
   */
  public Generation switchAccount(StoredTokens stored, Instant receivedAt, LoginRequiredException.Reason endReason) {
    for (;;) {
      Generation cur = current.get();
      long epoch = cur == null ? 1 : cur.epoch + 1;
      Generation next = new Generation(stored, receivedAt, epoch, 0, 0, endReason);
      if (current.compareAndSet(cur, next)) return next;
    }
  }

  /**
   * One generation of held tokens: the store's state they came from, when they arrived locally, and
   * what the backend has said about them so far. Immutable but for two one-way marks.
   */
  public static final class Generation {
    public final StoredTokens stored;
    /**
     * Where these tokens' lifetime counts from (local clock): when the refresh request that got them was sent, or
     * when they arrived from a sign-in or the store.
     */
    public final Instant receivedAt;
    /** Bumped by every sign-in and sign-out. */
    public final long epoch;
    /**
     * Zero when these tokens are what the store holds at {@code stored.version()}; otherwise how many
     * generations in a row could not be saved on top of that version (each newer than the last).
     */
    public final int unsaved;
    /**
     * How many generations in a row, this one included, came from refreshes after a rejection and were
     * themselves rejected before any request succeeded with them. Bounds refreshes per burst.
     */
    public final int rejectedStreak;
    /** Why the session ended, when it has no tokens because it ended; null otherwise. */
    public final LoginRequiredException.Reason endReason;
    /** True while a sign-in or sign-out is writing the store: nothing may move the held tokens but it. */
    final boolean switching;
    /** {@link #receivedAt} and the access token's expiry in epoch milliseconds, for the send path's arithmetic. */
    public final long receivedAtMillis;
    /** {@link #NO_EXPIRY} when the expiry is unknown (or there are no tokens). */
    public final long expiresAtMillis;
    /**
     * The access token as its header value, made by the session at the first send (a cache, not state: every
     * value it can take is the same).
     */
    public volatile String headerValue;
    /** Set once a request sent with these tokens was accepted. */
    private volatile boolean accepted;
    /** Refreshes after rejections of these tokens are held back until then (local clock). */
    private volatile Instant refreshesHeldUntil;

    public Generation(StoredTokens stored, Instant receivedAt, long epoch, int unsaved, int rejectedStreak,
        LoginRequiredException.Reason endReason) {
      this(stored, receivedAt, epoch, unsaved, rejectedStreak, endReason, false);
    }

    Generation(StoredTokens stored, Instant receivedAt, long epoch, int unsaved, int rejectedStreak,
        LoginRequiredException.Reason endReason, boolean switching) {
      this.switching = switching;
      this.stored = stored;
      this.receivedAt = receivedAt;
      this.epoch = epoch;
      this.unsaved = unsaved;
      this.rejectedStreak = rejectedStreak;
      this.endReason = endReason;
      this.receivedAtMillis = epochMillis(receivedAt);
      Instant expiresAt = stored.isPresent() ? stored.tokens().expiresAt() : null;
      this.expiresAtMillis = expiresAt == null ? NO_EXPIRY : epochMillis(expiresAt);
    }

    /** {@link #expiresAtMillis} of tokens whose expiry is unknown. */
    public static final long NO_EXPIRY = Long.MIN_VALUE;
    /** Instants beyond these many milliseconds from the epoch are clamped: the send path's sums never overflow. */
    private static final long MILLIS_BOUND = Long.MAX_VALUE / 4;

    private static long epochMillis(Instant t) {
      if (t == null) return 0;
      if (t.getEpochSecond() >= MILLIS_BOUND / 1000) return MILLIS_BOUND;
      if (t.getEpochSecond() <= -MILLIS_BOUND / 1000) return -MILLIS_BOUND;
      return t.toEpochMilli();
    }

    public Tokens tokens() {
      return stored.tokens();
    }

    public long version() {
      return stored.version();
    }

    public boolean isPresent() {
      return stored.isPresent();
    }

    /**
     * Later version; at the same version, unsaved (newer) tokens over saved ones, and then an ended
     * session over tokens (a clear that could not be saved still ends the session here).
     */
    public boolean isNewerThan(Generation other) {
      if (version() != other.version()) return version() > other.version();
      if (unsaved != other.unsaved) return unsaved > other.unsaved;
      return !isPresent() && other.isPresent();
    }

    boolean sameAs(Generation other) {
      return !isNewerThan(other) && !other.isNewerThan(this);
    }

    /**
     * The next generation in this epoch, from a refresh, adoption or re-login.
     *
     * @param unsaved true when the store could not take {@code stored}, which then carries the version
     *     it was meant to be written over
     */
    public Generation next(StoredTokens stored, Instant receivedAt, boolean unsaved, int rejectedStreak) {
      return new Generation(stored, receivedAt, epoch, unsavedAfter(stored, unsaved), rejectedStreak, null);
    }

    /** This epoch's session has ended for {@code reason}; {@code stored} is the (cleared) store state. */
    public Generation ended(StoredTokens stored, Instant at, boolean unsaved, LoginRequiredException.Reason reason) {
      return new Generation(stored, at, epoch, unsavedAfter(stored, unsaved), 0, reason);
    }

    private int unsavedAfter(StoredTokens stored, boolean unsaved) {
      if (!unsaved) return 0;
      return stored.version() == version() ? this.unsaved + 1 : 1;
    }

    /** True when these tokens are newer than what the store holds (a write failed; it is being retried). */
    public boolean isUnsaved() {
      return unsaved > 0;
    }

    public boolean accepted() {
      return accepted;
    }

    /** Marks that the backend accepted these tokens (cheap to call on every reply). */
    public void markAccepted() {
      if (!accepted) accepted = true;
    }

    public Instant refreshesHeldUntil() {
      return refreshesHeldUntil;
    }

    /** Holds back refreshes after rejections until {@code until} (first caller wins). */
    public void holdRefreshesUntil(Instant until) {
      if (refreshesHeldUntil == null) refreshesHeldUntil = until;
    }

    @Override
    public String toString() {
      return "Generation{version=" + version() + ", epoch=" + epoch + (unsaved > 0 ? ", unsaved" : "")
          + ", " + (isPresent() ? "tokens" : "no session") + '}';
    }
  }
}
