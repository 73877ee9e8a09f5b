package dev.silentrefresh.boot;

import dev.silentrefresh.TokenSession;
import java.io.IOException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One session's health: UP while it holds tokens; DOWN when it ended (refresh token dead, signed out, login
 * failed) or its store cannot be read; UNKNOWN before the first sign-in. Details: signed in, the last outcome
 * and when, requests waiting, the dialect. Per-user sessions: UP, with how many users' sessions are held and
 * how many were dropped (each user's own state is the application's to show). Never a token.
 */
final class SessionHealthIndicator implements HealthIndicator {
  private final SilentRefreshSessions.Entry entry;

  SessionHealthIndicator(SilentRefreshSessions.Entry entry) {
    this.entry = entry;
  }

  @Override
  public Health health() {
    TokenSession session = entry.session;
    if (session == null) return perUser();
    SessionStatus.Last last = entry.status.last();
    boolean signedIn;
    try {
      signedIn = session.isSignedIn();
    } catch (IOException e) {
      return Health.down().withDetail("store", "cannot be read: " + e.getMessage()).build();
    }
    Health.Builder health = signedIn ? Health.up() : last != null && last.ended ? Health.down() : Health.unknown();
    health.withDetail("signedIn", signedIn).withDetail("waiting", session.waitingForRefresh())
        .withDetail("dialect", session.dialect().name());
    if (last != null) health.withDetail("last", last.outcome).withDetail("lastAt", last.at.toString());
    return health.build();
  }

  private Health perUser() {
    return Health.up().withDetail("perUser", true).withDetail("sessions", entry.perUser.size())
        .withDetail("evicted", entry.perUser.evictions()).withDetail("dialect", entry.dialect.name()).build();
  }
}
