package dev.silentrefresh.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Throttles repeated failed logins per username: after {@code maxFailures} failures within {@code window}, every login
 * of that username (a right password too) is refused until the window that began with the first failure has passed.
 * A successful login clears the username's failures; other usernames are never affected. Time comes from the server's
 * clock. Thread-safe; holds at most {@link #MAX_TRACKED} usernames (the oldest windows are dropped first when full).
 */
final class LoginThrottle {
  static final int MAX_TRACKED = 10_000;

  private static final class Failures {
    final Instant since;
    final int count;

    Failures(Instant since, int count) {
      this.since = since;
      this.count = count;
    }
  }

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final ConcurrentHashMap<String, Failures> failures = new ConcurrentHashMap<>();

  /** {@code maxFailures} 0: no throttling. */
  LoginThrottle(int maxFailures, Duration window, Clock clock) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
  }

  /** Whole seconds (at least 1) until {@code username} may try again; 0 when it may try now. */
  long retryAfterSeconds(String username) {
    if (maxFailures == 0) return 0;
    Failures f = failures.get(key(username));
    if (f == null || f.count < maxFailures) return 0;
    Duration left = Duration.between(clock.instant(), f.since.plus(window));
    if (left.isNegative() || left.isZero()) return 0;
    return Math.max(1, (left.toMillis() + 999) / 1000);
  }

  void failed(String username) {
    if (maxFailures == 0) return;
    Instant now = clock.instant();
    if (failures.size() >= MAX_TRACKED) failures.values().removeIf(f -> !now.isBefore(f.since.plus(window)));
    if (failures.size() >= MAX_TRACKED) return; // a flood of usernames: track no more than this
    failures.compute(key(username), (k, f) -> f == null || !now.isBefore(f.since.plus(window))
        ? new Failures(now, 1) : new Failures(f.since, f.count + 1));
  }

  void succeeded(String username) {
    failures.remove(key(username));
  }

  private static String key(String username) {
    return username == null ? "" : username;
  }
}
