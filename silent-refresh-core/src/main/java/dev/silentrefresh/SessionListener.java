package dev.silentrefresh;

import java.time.Duration;
import java.time.Instant;

/**
 * What happens to a session. Called on the thread that caused it; keep it quick and never throw.
 * Events carry no secrets. Every method has an empty default.
 */
public interface SessionListener {
  /** Tokens were refreshed (or adopted from the store, where another process had refreshed them). */
  default void refreshed(Instant newExpiry, Duration took, boolean adopted) {}

  /** A refresh attempt failed without ending the session; {@code willRetry} tells whether another follows. */
  default void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {}

  /** The session ended and a login is required. Fired once per ended session. */
  default void loginRequired(LoginRequiredException reason) {}

  /** The login handler signed in again after the session ended. */
  default void reloggedIn() {}

  /** {@link TokenSession#signIn} stored new tokens. */
  default void signedIn() {}

  /** {@link TokenSession#signOut} removed the session. */
  default void signedOut() {}

  /** A rejected request is being sent again, once, with the new token. */
  default void replayed() {}

  /** A rejected request was not replayed; its rejected reply was returned to the caller. */
  default void replaySkipped(String reason) {}

}
