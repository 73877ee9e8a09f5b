package dev.silentrefresh.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Throttles password logins per username (the name presented, known or not): once {@code maxFailures} attempts
 * failed within a sliding {@code window} of the server's clock, further attempts for that name — with the right
 * password too — are refused until the oldest of them leaves the window. A successful login forgets the name's
 * failures. Other names are never affected, so one user's failures do not block another's login. Thread-safe;
 * decisions for one name are taken under its lock, so concurrent attempts cannot slip past the limit.
 */
final class LoginThrottle {
  /** Above this many names, those without a failure inside the window are dropped. */
  private static final int PRUNE_ABOVE = 10_000;

  private final int maxFailures;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

  /** {@code maxFailures} 0: never throttles. */
  LoginThrottle(int maxFailures, Duration window, Clock clock) {
    this.maxFailures = maxFailures;
    this.window = window;
    this.clock = clock;
  }

  /**
   * Admits a password attempt for {@code username}, counted as failed until {@link #succeeded} says otherwise;
   * or returns how long the name must still wait (the attempt is then not counted).
   */
  Duration admit(String username) {
    if (maxFailures == 0) {
      return null;
    }
    Deque<Instant> times = failures.computeIfAbsent(key(username), k -> new ArrayDeque<>());
    synchronized (times) {
      Instant now = clock.instant();
      while (!times.isEmpty() && !now.isBefore(times.peekFirst().plus(window))) {
        times.removeFirst();
      }
      if (times.size() >= maxFailures) {
        return Duration.between(now, times.peekFirst().plus(window));
      }
      times.addLast(now);
    }
    if (failures.size() > PRUNE_ABOVE) {
      prune();
    }
    return null;
  }

  /** The attempt admitted last for {@code username} succeeded: its failures are forgotten. */
  void succeeded(String username) {
    failures.remove(key(username));
  }

  /** Forgets every failure. */
  void reset() {
    failures.clear();
  }

  private void prune() {
    Instant now = clock.instant();
    failures.values().removeIf(times -> {
      synchronized (times) {
        return times.isEmpty() || !now.isBefore(times.peekLast().plus(window));
      }
    });
  }

  private static String key(String username) {
    return username == null ? "" : username;
  }
}
