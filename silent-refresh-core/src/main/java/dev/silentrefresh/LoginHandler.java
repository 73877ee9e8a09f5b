package dev.silentrefresh;

import java.util.concurrent.CompletionStage;

/**
 * Signs in again when the session has ended (refresh token dead, or no session at all). While it
 * runs, requests wait; when it completes with tokens they continue with the new access token. Called
 * at most once at a time per session.
 */
@FunctionalInterface
public interface LoginHandler {
  /**
   * @param reason why a login is required
   * @return the new tokens, or a stage completing with null or exceptionally to give up (waiting
   *     requests then fail with {@link LoginRequiredException})
   */
  CompletionStage<Tokens> login(LoginRequiredException reason);
}
