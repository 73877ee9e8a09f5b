package dev.silentrefresh.spring;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.spi.SessionSelector;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.util.context.ContextView;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ExchangeFilterFunction} for {@code WebClient} that keeps a {@link TokenSession}'s requests
 * working while the access token expires: it attaches the token to requests in the session's scope,
 * refreshes once when the backend rejects it, and replays the request (at most twice). It never blocks a thread:
 * waiting for a refresh is a future. Nothing is sent before the returned {@code Mono} is subscribed.
 *
 * <pre>{@code
 * HttpClient netty = HttpClient.create();   // Reactor Netty
 * TokenSession session = TokenSession.builder(dialect, WebClientRefreshTransport.of(netty)).build();
 * WebClient client = WebClientRefreshFilter.install(WebClient.builder(), netty, session).build();
 * }</pre>
 *
 * <p><b>Redirects.</b> The token must never follow a redirect to another origin. {@link #install} sets a
 * connector over the Reactor Netty client you give: when that client follows redirects, the token header is
 * removed from every redirect to an origin outside the session's scope. The filter hands the token to that
 * connector, never to the request, so with any other connector (one set after {@code install}, or a
 * filter from {@link #of} on a {@code WebClient} of your own) the request goes out without the token and
 * the {@code Mono} fails with an {@link IllegalStateException} naming the fix.
 *
 * <p>Cancelling a request stops its own exchange and releases its reply, but never the refresh other
 * requests wait for. A replay writes the request's {@code BodyInserter} again: bodies from values, forms
 * and cold publishers are replayed intact; a body from a publisher that can be subscribed only once (an
 * already-read stream, a hot source, pooled buffers released after the first write) is not.
 *
 * <p>When the session cannot serve a call, the {@code Mono} fails with a {@code WebClientRequestException}
 * (unchecked, so {@code block()} rethrows it as it is) whose cause is the reason: a
 * {@link LoginRequiredException} (no session, or it ended; with no session nothing is sent) or a
 * {@link RefreshFailedException} (a needed refresh failed; the session is kept). Its message names the
 * request and leaves the reason to the cause; e.g.
 * {@code onErrorResume(e -> e.getCause() instanceof LoginRequiredException, e -> ...)}. See the module's
 * README for the table. Threads: see the package documentation.
 *
 * <p><b>Many users</b> ({@link TokenSessions}, e.g. a backend-for-frontend): built over a registry, the filter
 * sends each request through the session of the key in its request attribute {@link SessionKey#ATTRIBUTE}, else
 * in the Reactor Context entry of that name. It never reads a thread's key ({@link TokenSessions#callAs}): the
 * filter runs on whatever thread subscribes, often an event loop serving other users.
 * <pre>{@code
 * WebClient client = WebClientRefreshFilter.install(WebClient.builder(), netty, sessions).build();
 * client.get().uri("/api/me").attribute(SessionKey.ATTRIBUTE, "alice").retrieve().bodyToMono(String.class);
 * client.get().uri("/api/me").retrieve().bodyToMono(String.class).contextWrite(Context.of(SessionKey.ATTRIBUTE, "bob"));
 * }</pre>
 * Everything about the request (its token, the refresh it waits for, its replay, the token's removal on a
 * redirect out of scope) is that key's session. A key's first request makes its session on Reactor's
 * {@code boundedElastic} scheduler (the registry's factory may block), never on an event loop. A request naming
 * no key fails with the {@code WebClientRequestException} above, whose cause (an {@code IOException}) carries the
 * reason; nothing is sent. One for a key with no signed-in session fails with {@link LoginRequiredException}
 * ({@code NO_SESSION}) as its cause.
 */
public final class WebClientRefreshFilter implements ExchangeFilterFunction {
  private static final String NO_KEY = "set the request attribute " + SessionKey.ATTRIBUTE + " or a Reactor Context"
      + " entry of that name (WebClient never reads the calling thread's key)";
  private final SessionSelector sessions;

  private WebClientRefreshFilter(SessionSelector sessions) {
    this.sessions = sessions;
  }

  /**
   * A filter sending through {@code session}. It attaches the token only through the connector
   * {@link #install} sets; prefer {@code install}.
   */
  public static WebClientRefreshFilter of(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return new WebClientRefreshFilter(SessionSelector.of(session));
  }

  /** As {@link #of(TokenSession)}, for many users: each request goes through its key's session (see Many users). */
  public static WebClientRefreshFilter of(TokenSessions sessions) {
    if (sessions == null) throw new IllegalArgumentException("sessions is null");
    return new WebClientRefreshFilter(SessionSelector.of(sessions));
  }

  /**
   * Sets on {@code builder} a connector over {@code httpClient} that keeps the token from other origins
   * (see Redirects above), and adds a filter for {@code session} after the filters it has. Filters before it
   * run once per call and what they set is replayed; filters added after it run for every attempt (the replay
   * too), on Spring 6.2 and 7.0 alike, and see the request without the token (the connector sets it).
   */
  public static WebClient.Builder install(WebClient.Builder builder, HttpClient httpClient, TokenSession session) {
    return install(builder, httpClient, of(session));
  }

  /**
   * As {@link #install(WebClient.Builder, HttpClient, TokenSession)}, for many users: each request goes through
   * the session of its {@link SessionKey#ATTRIBUTE} attribute or Reactor Context entry; redirects are judged by
   * that session's scope.
   */
  public static WebClient.Builder install(WebClient.Builder builder, HttpClient httpClient, TokenSessions sessions) {
    return install(builder, httpClient, of(sessions));
  }

  private static WebClient.Builder install(WebClient.Builder builder, HttpClient httpClient, WebClientRefreshFilter filter) {
    if (builder == null) throw new IllegalArgumentException("builder is null");
    if (httpClient == null) throw new IllegalArgumentException("httpClient is null");
    return builder.clientConnector(new SafeConnector(httpClient)).filter(filter);
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.deferContextual(context -> {
      String key;
      try {
        key = requestKey(request, context);
      } catch (IllegalStateException e) {
        return Mono.error(unselected(request, e));
      }
      Mono<TokenSession> selected = Mono.fromCallable(() -> sessions.selectByRequest(key, NO_KEY));
      if (key != null && !sessions.isReady(key)) selected = selected.subscribeOn(Schedulers.boundedElastic());
      return selected.onErrorMap(IllegalStateException.class, e -> unselected(request, e))
          .flatMap(session -> {
            WebExchange exchange = new WebExchange(request, next, session);
            return Mono.fromFuture(exchange::run, true) // cancellation is the exchange's to handle, see cancel()
                .doOnCancel(exchange::cancel)
                .handle(exchange::deliver);
          });
    });
  }

  /** The request's key: its attribute, else its Reactor Context entry; null for none. */
  private static @Nullable String requestKey(ClientRequest request, ContextView context) {
    String key = SessionKey.of(request.attribute(SessionKey.ATTRIBUTE).orElse(null));
    return key != null ? key : SessionKey.of(context.getOrDefault(SessionKey.ATTRIBUTE, null));
  }

  /** No session could be chosen: nothing is sent, and no header is echoed (the token header is not known). */
  private static Throwable unselected(ClientRequest request, IllegalStateException e) {
    return SessionFailures.forWebClient(request.method(), request.url(), new HttpHeaders(), SessionFailures.unselected(e));
  }

  @Override
  public String toString() {
    return "WebClientRefreshFilter{" + sessions + '}';
  }
}
