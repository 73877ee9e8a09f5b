package dev.silentrefresh;

import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What happens to a session. Events carry no secrets. Every method has an empty default. Keep them
 * quick; whatever one throws (even an {@link Error}) is logged and ignored, never stranding a request.
 *
 * <p>Threads: refresh events ({@link #refreshStarted}, {@link #refreshed}, {@link #refreshFailed},
 * {@link #loginRequired}, {@link #reloggedIn}) and {@link #coordinationLost}/{@link #coordinationRestored} run
 * on the session's executor; {@link #signedIn} and {@link #signedOut} on the
 * thread that called {@code signIn}/{@code signOut} (a sign-out made in another process: on the executor);
 * {@link #rejectedReply}, {@link #replayed} and {@link #replaySkipped} on the request's thread.
 */
public interface SessionListener {
  /**
   * A refresh began: one per refresh (however many requests wait on it). It ends with {@link #refreshed}, a
   * {@link #refreshFailed} whose {@code willRetry} is false, or {@link #loginRequired} (the refresh token was
   * dead) — unless a sign-in or sign-out overtook it.
   */
  default void refreshStarted() {}

  /**
   * Tokens were refreshed (or adopted from the store, where another process had refreshed them; with a store
   * that tells of changes, {@code dev.silentrefresh.spi.StoreChanges}, as soon as it wrote, with {@code took}
   * zero).
   */
  default void refreshed(@Nullable Instant newExpiry, Duration took, boolean adopted) {}

  /**
   * A refresh attempt failed without ending the session; {@code willRetry} tells whether another follows.
   * {@code attempt} is 0 when the refresh's deadline ended it ({@code RefreshFailedException.Reason.TIMEOUT}), or
   * the refresh lock did (held elsewhere past the deadline: {@code TIMEOUT}; failed: {@code STORE}).
   */
  default void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {}

  /** The session ended and a login is required. Fired once per ended session. */
  default void loginRequired(LoginRequiredException reason) {}

  /** The login handler signed in again after the session ended. */
  default void reloggedIn() {}

  /** {@link TokenSession#signIn} stored new tokens. */
  default void signedIn() {}

  /**
   * {@link TokenSession#signOut} removed the session — here, on the caller's thread, or in another process
   * sharing a store that tells of changes ({@code dev.silentrefresh.spi.StoreChanges}), on the executor.
   */
  default void signedOut() {}

  /**
   * An API reply in scope said the access token was rejected (or the session ended). Fired once per such
   * reply, on the request's thread, before core decides whether to refresh and replay.
   */
  default void rejectedReply() {}

  /** A rejected request is being sent again with a newer token (at most twice per request). */
  default void replayed() {}

  /** A rejected request was not replayed; its rejected reply was returned to the caller. */
  default void replaySkipped(String reason) {}

  /**
   * A refresh found the refresh lock's coordinator unreachable ({@code dev.silentrefresh.spi.CoordinationUnavailableException},
   * e.g. Redis is down): until it answers again, this session refreshes under its own single flight and keeps
   * refreshed tokens in memory. Once per outage, on the executor; {@code reason} names the coordinator, never a
   * secret.
   */
  default void coordinationLost(String reason) {}

  /**
   * The coordinator answers again after {@link #coordinationLost} (the lock was taken, or the store that is the
   * lock was read or written): refreshes are serialised across processes again. Once per outage, on the executor.
   */
  default void coordinationRestored() {}

}
