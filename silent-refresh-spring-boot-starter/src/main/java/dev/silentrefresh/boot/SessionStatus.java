package dev.silentrefresh.boot;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/** The last thing that happened to a session, for its health: an outcome word and when (no token). */
final class SessionStatus implements SessionListener {
  /** One outcome; {@code ended} when the session needs a login that nothing gave it. */
  static final class Last {
    final String outcome;
    final Instant at;
    final boolean ended;

    Last(String outcome, Instant at, boolean ended) {
      this.outcome = outcome;
      this.at = at;
      this.ended = ended;
    }
  }

  private final AtomicReference<@Nullable Last> last = new AtomicReference<>();

  @Nullable Last last() {
    return last.get();
  }

  private void set(String outcome, boolean ended) {
    last.set(new Last(outcome, Instant.now(), ended));
  }

  @Override
  public void refreshed(@Nullable Instant newExpiry, Duration took, boolean adopted) {
    set(adopted ? "adopted" : "refreshed", false);
  }

  @Override
  public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
    set("failed: " + lower(failure.reason()), false);
  }

  @Override
  public void loginRequired(LoginRequiredException reason) {
    set("login required: " + lower(reason.reason()), true);
  }

  @Override
  public void reloggedIn() {
    set("logged in again", false);
  }

  @Override
  public void signedIn() {
    set("signed in", false);
  }

  @Override
  public void signedOut() {
    set("signed out", true);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
