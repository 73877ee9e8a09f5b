package dev.silentrefresh.spring;

import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;
import reactor.netty.http.client.HttpClientResponse;

/**
 * The connector {@link WebClientRefreshFilter} puts a token on the wire through: Reactor Netty underneath,
 * and when that client follows redirects, every redirect to an origin outside the scope of the session the
 * token is from has the token header removed (Reactor Netty copies all headers, dropping {@code Authorization}
 * only when the host name changes, not the port). The token is set just before the request is committed, from
 * the hand-off the filter left in the request's attributes, and only for an origin in that session's scope.
 * Each request's hand-off rides in its Reactor Context to the redirects, so with many users' sessions each
 * redirect is judged by its own request's session.
 */
final class SafeConnector implements ClientHttpConnector {
  /** The Reactor Context key of a request's delivered hand-off (empty: no token of ours on it). */
  private static final String DELIVERED = SafeConnector.class.getName() + ".delivered";
  private final ClientHttpConnector delegate;
  /** The token headers set so far (names only): all are removed from a redirect whose request is unknown. */
  private final Set<String> headersSet = ConcurrentHashMap.newKeySet();

  SafeConnector(HttpClient httpClient) {
    this.delegate = new ReactorClientHttpConnector(strippingOffScope(httpClient));
  }

  @Override
  public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
      Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
    return Mono.defer(() -> {
      AtomicReference<TokenHandoff> delivered = new AtomicReference<>();
      return delegate.connect(method, uri, request -> {
        request.beforeCommit(() -> {
          Object handoff = request.getAttributes().get(TokenHandoff.ATTRIBUTE);
          if (handoff instanceof TokenHandoff && ((TokenHandoff) handoff).deliverTo(uri, request.getHeaders())) {
            headersSet.add(((TokenHandoff) handoff).header());
            delivered.set((TokenHandoff) handoff);
          }
          return Mono.empty();
        });
        return requestCallback.apply(request);
      }).contextWrite(context -> context.put(DELIVERED, delivered));
    });
  }

  /** {@code client} as it is when it follows no redirect; else with the token removed on off-scope redirects. */
  private HttpClient strippingOffScope(HttpClient client) {
    BiPredicate<HttpClientRequest, HttpClientResponse> follows = client.configuration().followRedirectPredicate();
    if (follows == null) return client;
    Consumer<HttpClientRequest> strip = this::stripOffScope;
    BiConsumer<io.netty.handler.codec.http.HttpHeaders, HttpClientRequest> users = client.configuration().redirectRequestBiConsumer();
    if (users != null) {
      return client.followRedirect(follows, (previous, redirect) -> {
        users.accept(previous, redirect);
        strip.accept(redirect);
      });
    }
    Consumer<HttpClientRequest> user = client.configuration().redirectRequestConsumer();
    return client.followRedirect(follows, user == null ? strip : user.andThen(strip));
  }

  private void stripOffScope(HttpClientRequest redirect) {
    AtomicReference<?> delivered = redirect.currentContextView().getOrDefault(DELIVERED, null);
    if (delivered == null) { // not a request of this connector's: remove whatever token header it may carry
      headersSet.forEach(redirect.requestHeaders()::remove);
      return;
    }
    TokenHandoff handoff = (TokenHandoff) delivered.get();
    if (handoff != null && !handoff.inScope(URI.create(redirect.resourceUrl()))) {
      redirect.requestHeaders().remove(handoff.header());
    }
  }

  @Override
  public String toString() {
    return "SilentRefresh connector{" + delegate + '}';
  }
}
