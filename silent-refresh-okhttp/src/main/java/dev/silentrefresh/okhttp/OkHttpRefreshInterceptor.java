package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

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
 */
public final class OkHttpRefreshInterceptor implements Interceptor {
  private final TokenSession session;

  private OkHttpRefreshInterceptor(TokenSession session) {
    this.session = session;
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
    if (builder == null) throw new IllegalArgumentException("builder is null");
    if (session == null) throw new IllegalArgumentException("session is null");
    builder.addInterceptor(new OkHttpRefreshInterceptor(session));
    if (!builder.networkInterceptors().contains(OffScopeTokenGuard.INSTANCE)) {
      builder.addNetworkInterceptor(OffScopeTokenGuard.INSTANCE);
    }
    return builder;
  }

  /** The session whose token this interceptor attaches. */
  public TokenSession session() {
    return session;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    URI uri = request.url().uri();
    OkHttpExchange exchange = new OkHttpExchange(chain, session);
    try {
      return exchange.forCaller(SessionCalls.of(session).execute(uri, exchange));
    } catch (InterruptedIOException e) {
      if (!chain.call().isCanceled()) throw e;
      IOException canceled = new IOException("Canceled"); // as OkHttp reports a cancelled call
      canceled.initCause(e);
      throw canceled;
    }
  }

  @Override
  public String toString() {
    return "OkHttpRefreshInterceptor{" + session + '}';
  }
}
