package dev.silentrefresh.spring;

import dev.silentrefresh.TokenSessions;
import org.jspecify.annotations.Nullable;

/**
 * Where a request names its session key, for an interceptor or filter built over a {@link TokenSessions}: the
 * request attribute {@link #ATTRIBUTE} (a {@code String}) on {@code RestClient} and {@code WebClient}, or, for
 * {@code WebClient}, a Reactor Context entry of that name.
 *
 * <pre>{@code
 * restClient.get().uri("/api/me").attribute(SessionKey.ATTRIBUTE, "alice").retrieve().body(Me.class);
 * webClient.get().uri("/api/me").attribute(SessionKey.ATTRIBUTE, "alice").retrieve().bodyToMono(Me.class);
 * webClient.get().uri("/api/me").retrieve().bodyToMono(Me.class)
 *     .contextWrite(Context.of(SessionKey.ATTRIBUTE, "alice"));
 * }</pre>
 *
 * <p>{@code RestTemplate} has no per-call attributes: its requests, and {@code RestClient} requests without the
 * attribute, go through the session of the calling thread's key ({@link TokenSessions#callAs}). {@code WebClient}
 * never reads a thread's key (a reactive request runs on threads that are not the caller's).
 */
public final class SessionKey {
  /** The request attribute (and Reactor Context key) naming a request's session key: {@value}. */
  public static final String ATTRIBUTE = "dev.silentrefresh.sessionKey";

  private SessionKey() {}

  /** The key a request attribute or context value names: null for none. */
  static @Nullable String of(@Nullable Object value) {
    if (value == null || value instanceof String) return (String) value;
    throw new IllegalStateException("the session key under " + ATTRIBUTE + " must be a String, not a "
        + value.getClass().getName());
  }
}
