package dev.silentrefresh.boot;

import dev.silentrefresh.TokenSession;

/**
 * A bean of the application that adjusts a session's builder after the properties have been applied: add a
 * {@link dev.silentrefresh.SessionListener}, a {@link dev.silentrefresh.LoginHandler}, a clock, a store of
 * your own. Called once per session at start-up, in {@link org.springframework.core.Ordered order}, on the
 * thread that starts the application.
 */
@FunctionalInterface
public interface TokenSessionCustomizer {
  /**
   * @param sessionName the session's name under {@code silent-refresh.sessions}
   * @param builder its builder, with the properties applied
   */
  void customize(String sessionName, TokenSession.Builder builder);
}
