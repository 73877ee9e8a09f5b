package dev.silentrefresh;

import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Signs in again when the session has ended (refresh token dead, or no session at all). While it
 * runs, requests wait; when it completes with tokens they continue with the new access token. Called
 * at most once at a time per session, on the session's executor; it may take as long as a person
 * needs (up to {@code TokenSession.Builder.loginTimeout}, 5 minutes by default), but must not block
 * that thread: return a stage and complete it later.
 *
 * <p>Most backends' login replies look like their refresh replies, so the dialect reads them:
 *
 * <pre>{@code
 * .loginHandler(reason -> showLoginDialog()                  // CompletionStage<byte[]>: the login reply
 *     .thenApply(replyBody -> dialect.readTokens(replyBody)))
 * }</pre>
 */
@FunctionalInterface
public interface LoginHandler {
  /**
   * @param reason why a login is required
   * @return the new tokens, or a stage completing with null or exceptionally to give up (waiting
   *     requests then fail with {@link LoginRequiredException}). A {@code signIn} or {@code signOut}
   *     while it runs ends the wait first; tokens it returns after its timeout are still kept, unless
   *     the user signed in or out meanwhile.
   */
  CompletionStage<@Nullable Tokens> login(LoginRequiredException reason);
}
