package dev.silentrefresh;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The user must sign in: there is no session, or the backend rejected the refresh token, or it ended
 * the session. An {@link IOException} so that it flows through every HTTP client's error path.
 */
public class LoginRequiredException extends IOException {
  /** Why a login is required. */
  public enum Reason {
    /** The store holds no session. */
    NO_SESSION,
    /** The refresh endpoint said the refresh token is no longer valid. */
    REFRESH_REJECTED,
    /** An API reply said the session has ended (for example: signed in elsewhere). */
    SESSION_ENDED,
    /** The session was signed out while the request waited. */
    SIGNED_OUT,
    /** The configured login handler failed or returned no tokens. */
    LOGIN_FAILED
  }

  private final Reason reason;

  public LoginRequiredException(Reason reason, String message) {
    this(reason, message, null);
  }

  public LoginRequiredException(Reason reason, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
