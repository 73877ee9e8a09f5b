package dev.silentrefresh.jdk;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * An {@link HttpClient} that keeps a {@link TokenSession}'s requests working while the access token
 * expires: it attaches the token to requests in the session's scope, refreshes once when the backend
 * rejects it, and replays the request (at most twice). Use it wherever an {@code HttpClient} is expected.
 *
 * <pre>{@code
 * HttpClient plain = HttpClient.newHttpClient();
 * TokenSession session = TokenSession.builder(dialect, JdkRefreshTransport.of(plain)).build();
 * HttpClient client = JdkRefreshClient.wrap(plain, session);
 * }</pre>
 *
 * <p>{@code send} and {@code sendAsync} fail with {@link LoginRequiredException} when there is no
 * session or it ended, and with {@link RefreshFailedException} when a needed refresh failed. A
 * request body larger than the replay buffer (default 1 MiB) is not replayed: the rejected reply is
 * returned and {@code SessionListener.replaySkipped} says why. HTTP/2 server pushes are not accepted.
 * The wrapped client must not follow redirects (the JDK would copy the token header to the target).
 * The wrapper does not own the wrapped client, which the refresh transport usually shares: on Java 21
 * and later its inherited {@code close()} and {@code shutdown()} leave that client running; close the
 * plain client yourself.
 */
public final class JdkRefreshClient extends HttpClient {
  private final HttpClient delegate;
  private final TokenSession session;
  private final int replayBufferBytes;

  private JdkRefreshClient(HttpClient delegate, TokenSession session, int replayBufferBytes) {
    this.delegate = delegate;
    this.session = session;
    this.replayBufferBytes = replayBufferBytes;
  }

  /** Wraps {@code client} with a 1 MiB replay buffer for request bodies. */
  public static JdkRefreshClient wrap(HttpClient client, TokenSession session) {
    return wrap(client, session, 1024 * 1024);
  }

  /** Wraps {@code client}; request bodies up to {@code replayBufferBytes} are kept for a replay. */
  public static JdkRefreshClient wrap(HttpClient client, TokenSession session, int replayBufferBytes) {
    if (client == null) throw new IllegalArgumentException("client is null");
    if (session == null) throw new IllegalArgumentException("session is null");
    if (replayBufferBytes < 0) throw new IllegalArgumentException("replayBufferBytes must be zero or more");
    if (client instanceof JdkRefreshClient) {
      throw new IllegalArgumentException("client already refreshes tokens; wrap the plain client");
    }
    if (client.followRedirects() != Redirect.NEVER) {
      throw new IllegalArgumentException("the client follows redirects (" + client.followRedirects()
          + "); a redirect would carry the token header to whatever origin it names. Build it with"
          + " followRedirects(HttpClient.Redirect.NEVER) (the default)");
    }
    return new JdkRefreshClient(client, session, replayBufferBytes);
  }

  /** The plain client underneath. */
  public HttpClient delegate() {
    return delegate;
  }

  public TokenSession session() {
    return session;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    JdkExchange.Blocking<T> exchange = new JdkExchange.Blocking<>(delegate, request, handler, session, replayBufferBytes);
    try {
      HttpResponse<Peeked<T>> reply = SessionCalls.of(session).execute(request.uri(), exchange);
      return new RefreshedResponse<>(reply, request, reply.body().body().get());
    } catch (InterruptedIOException e) {
      if (e.getCause() instanceof InterruptedException) throw (InterruptedException) e.getCause();
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) throw (IOException) cause;
      throw new IOException(cause);
    }
  }

  /**
   * Sends without blocking. Cancelling the returned future cancels the request: one waiting for a
   * refresh stops waiting and is never sent (the refresh goes on for others); one in flight is aborted.
   */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    JdkExchange.Async<T> exchange = new JdkExchange.Async<>(delegate, request, handler, session, replayBufferBytes);
    CompletableFuture<HttpResponse<Peeked<T>>> judged = SessionCalls.of(session).executeAsync(request.uri(), exchange);
    CompletableFuture<HttpResponse<T>> result = judged
        .thenCompose(reply -> reply.body().body().thenApply(body -> new RefreshedResponse<>(reply, request, body)));
    result.whenComplete((r, e) -> {
      if (result.isCancelled()) {
        exchange.cancel();
        judged.cancel(true);
        judged.thenAccept(reply -> reply.body().discard()); // judged already: stop the body too
      }
    });
    return result;
  }

  /** As {@link #sendAsync(HttpRequest, HttpResponse.BodyHandler)}; server pushes are refused. */
  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return sendAsync(request, handler);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override
  public String toString() {
    return "JdkRefreshClient{" + session + '}';
  }
}
