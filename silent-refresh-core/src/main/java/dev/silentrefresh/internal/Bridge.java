package dev.silentrefresh.internal;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.spi.SessionCalls;
import java.util.function.Function;

/**
 * Lets {@link SessionCalls#of} reach a session's engine without making it public API (the pattern of
 * OkHttp's {@code Internal}). {@link TokenSession} registers itself when its class initialises.
 */
public final class Bridge {
  private static volatile Function<TokenSession, SessionCalls> calls;

  private Bridge() {}

  /** Called once, by {@link TokenSession}'s static initialiser. */
  public static void register(Function<TokenSession, SessionCalls> callsOfSession) {
    calls = callsOfSession;
  }

  public static SessionCalls callsOf(TokenSession session) {
    return calls.apply(session); // registered: an instance exists, so its class is initialised
  }
}
