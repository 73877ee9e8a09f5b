package dev.silentrefresh.spi;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import org.jspecify.annotations.Nullable;

/**
 * Which {@link TokenSession} an adapter sends a request through: the one session it was built with, or, when
 * built over a {@link TokenSessions}, the session of the key the request names (a request attribute or tag),
 * else of the calling thread's key ({@link TokenSessions#callAs}). An adapter selects once per request, before
 * anything is sent, and uses that session for all of the request: its token, its scope (on redirects too), the
 * refresh and the replay. So a request for one key never carries, and is never replayed with, another's token.
 *
 * <p>Threads: thread-safe. {@link #select} reads the calling thread's key: call it on the thread that issued
 * the request, before any hop to another. {@link #selectByRequest} never reads it (reactive clients). The
 * registry's factory runs on the selecting thread for a key's first request.
 */
public final class SessionSelector {
  private final @Nullable TokenSession session;
  private final @Nullable TokenSessions sessions;

  private SessionSelector(@Nullable TokenSession session, @Nullable TokenSessions sessions) {
    this.session = session;
    this.sessions = sessions;
  }

  /** Always {@code session}, whatever key a request names. */
  public static SessionSelector of(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return new SessionSelector(session, null);
  }

  /** The session of each request's key in {@code sessions}. */
  public static SessionSelector of(TokenSessions sessions) {
    if (sessions == null) throw new IllegalArgumentException("sessions is null");
    return new SessionSelector(null, sessions);
  }

  /** The registry selected from, or null when this always gives one session. */
  public @Nullable TokenSessions sessions() {
    return sessions;
  }

  /**
   * The session of a request that names {@code requestKey} (null: names none): the one session; else the
   * session of {@code requestKey}, else of the calling thread's key.
   *
   * @throws IllegalStateException no key is named (nothing may be sent), the key is not a valid one, or the
   *     registry's factory failed; the message says which and names the key, never a token
   */
  public TokenSession select(@Nullable String requestKey) {
    if (session != null) return session;
    return withValidKey(() -> sessions.sessionFor(requestKey));
  }

  /**
   * As {@link #select}, but never reading the calling thread's key: for clients that run a request on threads
   * other than the caller's, where a thread's key would be a stranger's.
   *
   * @param howToNameOne ends the message when the request names no key, e.g. "set the request attribute X"
   */
  public TokenSession selectByRequest(@Nullable String requestKey, String howToNameOne) {
    if (session != null) return session;
    if (requestKey == null) throw new IllegalStateException("this request names no session key: " + howToNameOne);
    return withValidKey(() -> sessions.get(requestKey));
  }

  /**
   * True when selecting for {@code requestKey} finds a session already made (the registry's factory will not
   * run); always true for one session. A reactive adapter selects off its event loop when this is false.
   */
  public boolean isReady(@Nullable String requestKey) {
    return session != null || (requestKey != null && sessions.getIfPresent(requestKey) != null);
  }

  private interface Lookup {
    TokenSession get();
  }

  private static TokenSession withValidKey(Lookup lookup) {
    try {
      return lookup.get();
    } catch (IllegalArgumentException e) { // the key's own form: empty, too long, control characters
      throw new IllegalStateException("this request's session key is not usable: " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return String.valueOf(session != null ? session : sessions);
  }
}
