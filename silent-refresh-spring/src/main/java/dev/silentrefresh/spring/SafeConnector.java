package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import java.net.URI;
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
 * and when that client follows redirects, every redirect to an origin outside the session's scope has the
 * token header removed (Reactor Netty copies all headers, dropping {@code Authorization} only when the host
 * name changes, not the port). The token is set just before the request is committed, from the hand-off
 * the filter left in the request's attributes, and only for an origin in scope.
 */
final class SafeConnector implements ClientHttpConnector {
  private final ClientHttpConnector delegate;

  SafeConnector(HttpClient httpClient, SessionCalls calls) {
    this.delegate = new ReactorClientHttpConnector(strippingOffScope(httpClient, calls));
  }

  @Override
  public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
      Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
    return delegate.connect(method, uri, request -> {
      request.beforeCommit(() -> {
        Object handoff = request.getAttributes().get(TokenHandoff.ATTRIBUTE);
        if (handoff instanceof TokenHandoff) ((TokenHandoff) handoff).deliverTo(uri, request.getHeaders());
        return Mono.empty();
      });
      return requestCallback.apply(request);
    });
  }

  /** {@code client} as it is when it follows no redirect; else with the token removed on off-scope redirects. */
  private static HttpClient strippingOffScope(HttpClient client, SessionCalls calls) {
    BiPredicate<HttpClientRequest, HttpClientResponse> follows = client.configuration().followRedirectPredicate();
    if (follows == null) return client;
    String header = calls.dialect().tokenHeader();
    Consumer<HttpClientRequest> strip = redirect -> {
      if (!calls.inScope(URI.create(redirect.resourceUrl()))) redirect.requestHeaders().remove(header);
    };
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

  @Override
  public String toString() {
    return "SilentRefresh connector{" + delegate + '}';
  }
}
