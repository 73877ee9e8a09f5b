package dev.silentrefresh.jdk;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.SessionSelector;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
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
import org.jspecify.annotations.Nullable;

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
 *
 * <p><b>Many users</b> ({@link TokenSessions}, e.g. a backend-for-frontend). An {@code HttpRequest} has no
 * attributes, so the session is chosen by the key of the thread that calls {@code send} or {@code sendAsync},
 * read there, at entry, before any hop to another thread ({@link TokenSessions#callAs}); or by a per-key view
 * from {@link #forKey}, which sends every request as that key whatever the thread:
 * <pre>{@code
 * JdkRefreshClient client = JdkRefreshClient.wrap(plain, sessions);
 * TokenSessions.callAs("alice", () -> client.send(request, BodyHandlers.ofString()));
 * client.forKey("bob").sendAsync(request, BodyHandlers.ofString());
 * }</pre>
 * Everything about the request (its token, the refresh it waits for, its replay) is that key's session. A
 * request that names no key fails with an {@code IOException} carrying the reason, and nothing is sent; one
 * for a key that has no signed-in session fails with {@link LoginRequiredException} ({@code NO_SESSION}).
 */
public final class JdkRefreshClient extends HttpClient {
  private final HttpClient delegate;
  private final SessionSelector sessions;
  private final @Nullable String key; // a per-key view's key, else null: the calling thread's
  private final int replayBufferBytes;

  private JdkRefreshClient(HttpClient delegate, SessionSelector sessions, @Nullable String key, int replayBufferBytes) {
    this.delegate = delegate;
    this.sessions = sessions;
    this.key = key;
    this.replayBufferBytes = replayBufferBytes;
  }

  /** Wraps {@code client} with a 1 MiB replay buffer for request bodies. */
  public static JdkRefreshClient wrap(HttpClient client, TokenSession session) {
    return wrap(client, session, 1024 * 1024);
  }

  /** Wraps {@code client}; request bodies up to {@code replayBufferBytes} are kept for a replay. */
  public static JdkRefreshClient wrap(HttpClient client, TokenSession session, int replayBufferBytes) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return wrap(client, SessionSelector.of(session), replayBufferBytes);
  }

  /**
   * Wraps {@code client} for many users' sessions, with a 1 MiB replay buffer: each request goes through the
   * session of the calling thread's key (see Many users above).
   */
  public static JdkRefreshClient wrap(HttpClient client, TokenSessions sessions) {
    return wrap(client, sessions, 1024 * 1024);
  }

  /** As {@link #wrap(HttpClient, TokenSessions)}; request bodies up to {@code replayBufferBytes} are kept for a replay. */
  public static JdkRefreshClient wrap(HttpClient client, TokenSessions sessions, int replayBufferBytes) {
    if (sessions == null) throw new IllegalArgumentException("sessions is null");
    return wrap(client, SessionSelector.of(sessions), replayBufferBytes);
  }

  private static JdkRefreshClient wrap(HttpClient client, SessionSelector sessions, int replayBufferBytes) {
    if (client == null) throw new IllegalArgumentException("client is null");
    if (replayBufferBytes < 0) throw new IllegalArgumentException("replayBufferBytes must be zero or more");
    if (client instanceof JdkRefreshClient) {
      throw new IllegalArgumentException("client already refreshes tokens; wrap the plain client");
    }
    if (client.followRedirects() != Redirect.NEVER) {
      throw new IllegalArgumentException("the client follows redirects (" + client.followRedirects()
          + "); a redirect would carry the token header to whatever origin it names. Build it with"
          + " followRedirects(HttpClient.Redirect.NEVER) (the default)");
    }
    return new JdkRefreshClient(client, sessions, null, replayBufferBytes);
  }

  /**
   * A view of this client that sends every request through the session of {@code sessionKey}, whatever the
   * calling thread's key; cheap (it shares everything with this client). For a client wrapping one session,
   * that session: the key is not used. A key the registry refuses (too long, control characters) fails each
   * request, as a request naming no key does.
   *
   * @throws IllegalArgumentException the key is null or empty
   */
  public JdkRefreshClient forKey(String sessionKey) {
    if (sessionKey == null || sessionKey.isEmpty()) throw new IllegalArgumentException("sessionKey is null or empty");
    return new JdkRefreshClient(delegate, sessions, sessionKey, replayBufferBytes);
  }

  /** The plain client underneath. */
  public HttpClient delegate() {
    return delegate;
  }

  /**
   * The session a request sent now from this thread goes through: the one session; for many users, that of
   * this view's key ({@link #forKey}), else of the calling thread's key, made by the registry if need be.
   *
   * @throws IllegalStateException many users, and neither names a key
   */
  public TokenSession session() {
    return sessions.select(key);
  }

  /** The registry this client chooses sessions from, or null when it wraps one session. */
  public @Nullable TokenSessions sessions() {
    return sessions.sessions();
  }

  /** This request's session, chosen on the calling thread; IOException when none can be (nothing is sent). */
  private TokenSession selected() throws IOException {
    try {
      return sessions.select(key);
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    TokenSession session = selected();
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
    TokenSession session;
    try {
      session = selected(); // here, on the caller's thread: its key does not follow the request to others
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
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
    return "JdkRefreshClient{" + sessions + (key == null ? "" : ", key " + key) + '}';
  }
}
