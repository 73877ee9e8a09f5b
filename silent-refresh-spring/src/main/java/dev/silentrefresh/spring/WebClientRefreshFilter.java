package dev.silentrefresh.spring;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import dev.silentrefresh.spi.SessionCalls;
import reactor.core.publisher.Mono;

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
 */
public final class WebClientRefreshFilter implements ExchangeFilterFunction {
  private final TokenSession session;

  private WebClientRefreshFilter(TokenSession session) {
    this.session = session;
  }

  /**
   * A filter sending through {@code session}. It attaches the token only through the connector
   * {@link #install} sets; prefer {@code install}.
   */
  public static WebClientRefreshFilter of(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return new WebClientRefreshFilter(session);
  }

  /**
   * Sets on {@code builder} a connector over {@code httpClient} that keeps the token from other origins
   * (see Redirects above), and adds a filter for {@code session} after the filters it has. Filters before it
   * run once per call and what they set is replayed; filters added after it run for every attempt (the replay
   * too), on Spring 6.2 and 7.0 alike, and see the request without the token (the connector sets it).
   */
  public static WebClient.Builder install(WebClient.Builder builder, HttpClient httpClient, TokenSession session) {
    if (builder == null) throw new IllegalArgumentException("builder is null");
    if (httpClient == null) throw new IllegalArgumentException("httpClient is null");
    WebClientRefreshFilter filter = of(session);
    return builder.clientConnector(new SafeConnector(httpClient, SessionCalls.of(session))).filter(filter);
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    return Mono.defer(() -> {
      WebExchange exchange = new WebExchange(request, next, session);
      return Mono.fromFuture(exchange::run, true) // cancellation is the exchange's to handle, see cancel()
          .doOnCancel(exchange::cancel)
          .handle(exchange::deliver);
    });
  }

  @Override
  public String toString() {
    return "WebClientRefreshFilter{" + session + '}';
  }
}
