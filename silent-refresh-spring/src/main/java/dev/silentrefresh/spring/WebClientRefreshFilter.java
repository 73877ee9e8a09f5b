package dev.silentrefresh.spring;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * An {@link ExchangeFilterFunction} for {@code WebClient} that keeps a {@link TokenSession}'s requests
 * working while the access token expires: it attaches the token to requests in the session's scope,
 * refreshes once when the backend rejects it, and replays the request once. It never blocks a thread:
 * waiting for a refresh is a future. Nothing is sent before the returned {@code Mono} is subscribed.
 *
 * <pre>{@code
 * WebClient plain = WebClient.create();
 * TokenSession session = TokenSession.builder(dialect, WebClientRefreshTransport.of(plain)).build();
 * WebClient client = plain.mutate().filter(WebClientRefreshFilter.of(session)).build();
 * }</pre>
 *
 * <p>Cancelling a request stops its own exchange and releases its reply, but never the refresh other
 * requests wait for. A replay writes the request's {@code BodyInserter} again: bodies from values, forms
 * and cold publishers are replayed intact; a body from a publisher that can be subscribed only once (an
 * already-read stream, a hot source, pooled buffers released after the first write) is not.
 *
 * <p>Redirects: Reactor Netty does not follow them by default. A connector that does would carry the
 * token header to whatever origin the redirect names, so do not enable it for this client.
 *
 * <p>The {@code Mono} fails with {@link LoginRequiredException} (no session, or it ended; with no session
 * nothing is sent) or {@link RefreshFailedException} (a needed refresh failed; the session is kept). Both
 * are checked {@code IOException}s, so {@code block()} rethrows them wrapped, as Reactor does for any.
 */
public final class WebClientRefreshFilter implements ExchangeFilterFunction {
  private final TokenSession session;

  private WebClientRefreshFilter(TokenSession session) {
    this.session = session;
  }

  /** A filter sending through {@code session}. */
  public static WebClientRefreshFilter of(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return new WebClientRefreshFilter(session);
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
