package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.spring.SessionKey;
import dev.silentrefresh.spring.WebClientRefreshFilter;
import dev.silentrefresh.spring.WebClientRefreshTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

/**
 * Spring's {@code WebClient} on Reactor Netty (which does not follow redirects) with
 * {@link WebClientRefreshFilter} installed. {@code send} blocks, as the blocking API of this driver; {@code getAsync}
 * never does. Replies of any status are returned as they are.
 */
public final class WebClientDriver implements ClientUnderTest {
  private final ConnectionProvider connections = ConnectionProvider.builder("webclient-driver")
      .maxConnections(1000)
      .pendingAcquireMaxCount(-1)
      .build();
  private final HttpClient netty = HttpClient.create(connections).responseTimeout(Duration.ofSeconds(30));

  @Override
  public String name() {
    return "webclient";
  }

  @Override
  public RefreshTransport transport() {
    return WebClientRefreshTransport.of(netty);
  }

  @Override
  public Caller caller(TokenSession session) {
    return callerOf(WebClientRefreshFilter.install(WebClient.builder(), netty, session).build(), null, null);
  }

  /**
   * Ways: {@code attribute} ({@link SessionKey#ATTRIBUTE}) and {@code context} (a Reactor Context entry); the
   * filter never reads a thread's key.
   */
  @Override
  public UsersCaller usersCaller(TokenSessions sessions) {
    WebClient client = WebClientRefreshFilter.install(WebClient.builder(), netty, sessions).build();
    BiFunction<String, String, Caller> naming = (way, user) ->
        way.equals("attribute") ? callerOf(client, user, null) : callerOf(client, null, user);
    return UsersCaller.of(List.of("attribute", "context"),
        (way, user, uri) -> naming.apply(way, user).get(uri),
        (way, user, uri) -> naming.apply(way, user).getAsync(uri));
  }

  /** Calls naming {@code attributeKey} in their attribute and {@code contextKey} in their context (each when not null). */
  private static Caller callerOf(WebClient client, String attributeKey, String contextKey) {
    return new Caller() {
      @Override
      public CallReply send(String method, URI uri, String contentType, byte[] body) throws IOException {
        try {
          return call(client, method, uri, contentType, body, attributeKey, contextKey).block(Duration.ofSeconds(60));
        } catch (RuntimeException e) {
          Throwable cause = adapterFailure(Exceptions.unwrap(e));
          if (cause instanceof IOException) throw (IOException) cause;
          throw e;
        }
      }

      @Override
      public CompletableFuture<CallReply> getAsync(URI uri) {
        return call(client, "GET", uri, null, null, attributeKey, contextKey).toFuture().handle((reply, e) -> {
          if (e == null) return reply;
          Throwable cause = adapterFailure(e instanceof CompletionException ? e.getCause() : e);
          throw new CompletionException(cause);
        });
      }
    };
  }

  private static Mono<CallReply> call(WebClient client, String method, URI uri, String contentType, byte[] body,
      String attributeKey, String contextKey) {
    WebClient.RequestBodySpec spec = client.method(HttpMethod.valueOf(method)).uri(uri);
    if (contentType != null) spec.header("Content-Type", contentType);
    if (attributeKey != null) spec.attribute(SessionKey.ATTRIBUTE, attributeKey);
    WebClient.RequestHeadersSpec<?> ready = body == null ? spec : spec.bodyValue(body);
    Mono<CallReply> reply = ready.exchangeToMono(response -> response.toEntity(byte[].class))
        .map(WebClientDriver::reply);
    return contextKey == null ? reply : reply.contextWrite(Context.of(SessionKey.ATTRIBUTE, contextKey));
  }

  private static CallReply reply(ResponseEntity<byte[]> entity) {
    return new CallReply(entity.getStatusCode().value(), SpringHeaderMaps.toMap(entity.getHeaders()), entity.getBody());
  }

  /** The adapter's IOException inside Spring's or Reactor's wrappers, else {@code t} itself. */
  private static Throwable adapterFailure(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UncheckedIOException) return c.getCause();
      if (c instanceof IOException) return c;
    }
    return t;
  }

  @Override
  public void close() {
    connections.dispose();
  }
}
