package dev.silentrefresh.okhttp;

import dev.silentrefresh.TokenSessions;
import okhttp3.Call;
import okhttp3.Request;

/**
 * The session key of one request, as an OkHttp tag, for an {@link OkHttpRefreshInterceptor} installed over a
 * {@link TokenSessions}: the request goes through that key's session, whatever thread runs it.
 *
 * <pre>{@code
 * Request request = new Request.Builder().url(url).tag(SessionKey.class, SessionKey.of("alice")).build();
 * // Retrofit: a parameter  @Tag SessionKey user
 * }</pre>
 *
 * <p>A request without this tag goes through the session of the key of the thread that runs the interceptor
 * ({@link TokenSessions#callAs}): for {@code execute()} the caller's thread, but for {@code enqueue()} one of
 * OkHttp's dispatcher threads, which has none, so such a call fails. {@link #fromCallingThread} tags each call
 * with the key of the thread that makes it, so that {@code enqueue()} and Retrofit's asynchronous calls carry it.
 * Keys are not secret (user ids, not tokens); {@link #toString()} shows it.
 */
public final class SessionKey {
  private final String value;

  private SessionKey(String value) {
    this.value = value;
  }

  /**
   * The tag for {@code key} (the registry checks its form when the request is sent).
   *
   * @throws IllegalArgumentException the key is null or empty
   */
  public static SessionKey of(String key) {
    if (key == null || key.isEmpty()) throw new IllegalArgumentException("session key is null or empty");
    return new SessionKey(key);
  }

  /** The key. */
  public String value() {
    return value;
  }

  /**
   * A {@code Call.Factory} over {@code calls} (e.g. an {@code OkHttpClient} with the interceptor) that tags each
   * request it makes a call of, on the thread that makes it, with that thread's key ({@link TokenSessions#callAs}),
   * unless the request has a {@code SessionKey} already or the thread has no key. Give it to Retrofit
   * ({@code Retrofit.Builder.callFactory}) or use it where you would call {@code client.newCall(request)}.
   */
  public static Call.Factory fromCallingThread(Call.Factory calls) {
    if (calls == null) throw new IllegalArgumentException("calls is null");
    return new Call.Factory() {
      @Override
      public Call newCall(Request request) {
        String key = TokenSessions.currentKey();
        if (key == null || request.tag(SessionKey.class) != null) return calls.newCall(request);
        return calls.newCall(request.newBuilder().tag(SessionKey.class, new SessionKey(key)).build());
      }

      @Override
      public String toString() {
        return "SessionKey.fromCallingThread(" + calls + ')';
      }
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionKey && ((SessionKey) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "SessionKey{" + value + '}';
  }
}
