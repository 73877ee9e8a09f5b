package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.SessionSelector;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * An OkHttp application interceptor that keeps a {@link TokenSession}'s requests working while the
 * access token expires: it attaches the token to requests in the session's scope, refreshes once
 * when the backend rejects it, and replays the request (at most twice). Works unchanged under Retrofit.
 *
 * <pre>{@code
 * OkHttpClient plain = new OkHttpClient();
 * TokenSession session = TokenSession.builder(dialect, OkHttpRefreshTransport.of(plain)).build();
 * OkHttpClient client = OkHttpRefreshInterceptor.install(plain.newBuilder(), session).build();
 * }</pre>
 *
 * <p>Calls fail with {@link LoginRequiredException} when there is no session or it ended, and with
 * {@link RefreshFailedException} when a needed refresh failed. A one-shot or duplex request body is
 * not replayed: the rejected reply is returned and {@code SessionListener.replaySkipped} says why.
 * Cancelling a call that waits for a refresh ends its wait promptly; the refresh goes on for the
 * others. The reply's {@link Response#request()} shows the caller's own value of the token header.
 *
 * <p><b>Many users</b> ({@link TokenSessions}, e.g. a backend-for-frontend): installed over a registry, the
 * interceptor sends each request through the session of the {@link SessionKey} tag it carries, else of the key
 * of the thread running the interceptor ({@link TokenSessions#callAs}). {@code execute()} runs it on the caller's
 * thread; {@code enqueue()} on a dispatcher thread, which has no key: tag such requests, or make the calls with
 * {@link SessionKey#fromCallingThread}, which tags them on the calling thread.
 * <pre>{@code
 * OkHttpClient client = OkHttpRefreshInterceptor.install(plain.newBuilder(), sessions).build();
 * client.newCall(request.newBuilder().tag(SessionKey.class, SessionKey.of("alice")).build()).enqueue(callback);
 * TokenSessions.callAs("bob", () -> client.newCall(request).execute());
 * }</pre>
 * Everything about the request (its token, the refresh it waits for, its replay, the token's removal on a
 * redirect out of scope) is that key's session. A request naming no key fails with an {@code IOException}
 * carrying the reason, and nothing is sent; one for a key with no signed-in session fails with
 * {@link LoginRequiredException} ({@code NO_SESSION}).
 */
public final class OkHttpRefreshInterceptor implements Interceptor {
  private final SessionSelector sessions;
  private final OriginUri origins = new OriginUri();

  private OkHttpRefreshInterceptor(SessionSelector sessions) {
    this.sessions = sessions;
  }

  /**
   * Adds the interceptor to {@code builder}'s application interceptors, and a network interceptor
   * that removes the token header from any request a redirect takes outside the session's scope
   * (OkHttp itself strips only {@code Authorization}, and only across hosts).
   *
   * @param builder the client's builder, e.g. {@code plainClient.newBuilder()}
   * @param session the session whose token to attach
   * @return {@code builder}
   */
  public static OkHttpClient.Builder install(OkHttpClient.Builder builder, TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return install(builder, SessionSelector.of(session));
  }

  /**
   * As {@link #install(OkHttpClient.Builder, TokenSession)}, for many users: each request goes through the
   * session of its {@link SessionKey} tag, else of the key of the thread running the interceptor.
   *
   * @param sessions the registry to choose each request's session from
   * @return {@code builder}
   */
  public static OkHttpClient.Builder install(OkHttpClient.Builder builder, TokenSessions sessions) {
    if (sessions == null) throw new IllegalArgumentException("sessions is null");
    return install(builder, SessionSelector.of(sessions));
  }

  private static OkHttpClient.Builder install(OkHttpClient.Builder builder, SessionSelector sessions) {
    if (builder == null) throw new IllegalArgumentException("builder is null");
    builder.addInterceptor(new OkHttpRefreshInterceptor(sessions));
    if (!builder.networkInterceptors().contains(OffScopeTokenGuard.INSTANCE)) {
      builder.addNetworkInterceptor(OffScopeTokenGuard.INSTANCE);
    }
    return builder;
  }

  /**
   * The session whose token this interceptor attaches: the one session; for many users, that of the calling
   * thread's key, made by the registry if need be.
   *
   * @throws IllegalStateException many users, and the calling thread has no key
   */
  public TokenSession session() {
    return sessions.select(null);
  }

  /** The registry this interceptor chooses sessions from, or null when it was installed with one session. */
  public @Nullable TokenSessions sessions() {
    return sessions.sessions();
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    URI origin = origins.of(request.url()); // core judges the scope by the origin alone
    SessionKey tag = request.tag(SessionKey.class);
    TokenSession session;
    try {
      session = sessions.select(tag == null ? null : tag.value());
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e); // before anything is sent
    }
    SessionCalls calls = SessionCalls.of(session);
    OkHttpExchange exchange = new OkHttpExchange(chain, session, calls.inScope(origin));
    try {
      return exchange.forCaller(calls.execute(origin, exchange));
    } catch (InterruptedIOException e) {
      if (!chain.call().isCanceled()) throw e;
      IOException canceled = new IOException("Canceled"); // as OkHttp reports a cancelled call
      canceled.initCause(e);
      throw canceled;
    }
  }

  @Override
  public String toString() {
    return "OkHttpRefreshInterceptor{" + sessions + '}';
  }
}
