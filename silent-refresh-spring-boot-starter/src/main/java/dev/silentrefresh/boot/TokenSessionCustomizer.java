package dev.silentrefresh.boot;

import dev.silentrefresh.TokenSession;

/**
 * A bean of the application that adjusts a session's builder after the properties have been applied: add a
 * {@link dev.silentrefresh.SessionListener}, a {@link dev.silentrefresh.LoginHandler}, a clock, a store of
 * your own. Called once per session at start-up, in {@link org.springframework.core.Ordered order}, on the
 * thread that starts the application; for per-user sessions, once per user's session as it is made.
 */
@FunctionalInterface
public interface TokenSessionCustomizer {
  /**
   * @param sessionName the session's name under {@code silent-refresh.sessions}
   * @param builder its builder, with the properties applied
   */
  void customize(String sessionName, TokenSession.Builder builder);

  /**
   * Adjusts the builder of one user's session of a per-user session ({@code per-user: true}), as it is made at
   * the key's first use, on the thread that uses it. By default {@link #customize(String, TokenSession.Builder)}.
   *
   * @param sessionName the per-user session's name under {@code silent-refresh.sessions}
   * @param userKey the user's key
   * @param builder the user's session's builder, with the properties and its store applied
   */
  default void customize(String sessionName, String userKey, TokenSession.Builder builder) {
    customize(sessionName, builder);
  }
}
