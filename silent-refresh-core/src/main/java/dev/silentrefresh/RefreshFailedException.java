package dev.silentrefresh;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * A refresh did not succeed for a reason that does not end the session: network failure, timeout,
 * server error, or a reply that could not be understood. The session is kept; a later call tries again.
 */
public class RefreshFailedException extends IOException {
  /** What went wrong. */
  public enum Reason {
    /** The refresh request could not be sent or its reply not received. */
    NETWORK,
    /** No reply within the refresh timeout, or the refresh took longer than its deadline. */
    TIMEOUT,
    /** The refresh endpoint answered with a 5xx status. */
    SERVER_ERROR,
    /** The refresh endpoint answered with a status that is neither success nor "refresh token dead". */
    UNEXPECTED_STATUS,
    /** The reply was not JSON, too large, or lacked a required field. */
    MALFORMED_REPLY,
    /** The store could not be read or written. */
    STORE,
    /**
     * The refresh transport itself broke: it threw an {@link Error} such as a {@link LinkageError} (a
     * library version mismatch) or returned nothing. Not retried: trying again would only spend the
     * refresh token.
     */
    TRANSPORT_BROKEN
  }

  private final Reason reason;
  private final int status;

  public RefreshFailedException(Reason reason, int status, String message, @Nullable Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.status = status;
  }

  public Reason reason() {
    return reason;
  }

  /** The refresh endpoint's HTTP status, or 0 when there was no reply. */
  public int status() {
    return status;
  }

  /** True when trying again later may succeed (everything but a misconfiguration-like 4xx). */
  public boolean isRetryable() {
    if (reason == Reason.TRANSPORT_BROKEN) return false;
    return reason != Reason.UNEXPECTED_STATUS || status == 408 || status == 429;
  }
}
