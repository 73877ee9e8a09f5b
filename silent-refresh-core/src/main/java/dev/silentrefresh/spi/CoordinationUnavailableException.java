package dev.silentrefresh.spi;

import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Thrown by {@link RefreshLock#acquire} when the coordinator shared with other processes (a Redis, say) cannot
 * be reached and the session may go on alone. Core then refreshes under its own single flight (one refresh per
 * session, however many requests wait), takes a failed read of the store as what it holds, keeps refreshed
 * tokens in memory and saves them when the store answers again. It tells of the outage once (one WARNING,
 * {@link dev.silentrefresh.SessionListener#coordinationLost}) and of the recovery once (one INFO,
 * {@link dev.silentrefresh.SessionListener#coordinationRestored}). Any other {@link IOException} from
 * {@code acquire} fails that refresh and keeps the session.
 *
 * <p>While it is lost, other processes refresh on their own too: with refresh-token rotation and reuse
 * detection, two of them refreshing before the coordinator is back revoke the token family. Throw it only where
 * that risk is wanted rather than failed refreshes. The message names the coordinator (an address), never a
 * token or a key.
 */
public class CoordinationUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public CoordinationUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
