package dev.silentrefresh.spring;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends core's refresh requests with a plain {@link WebClient} (no filters, so a refresh can never trigger
 * a refresh) over your Reactor Netty client, following no redirect. Never blocks; reads at most the reply size
 * core accepts. Past {@link RefreshRequest#timeout()} the future fails with a {@link java.util.concurrent.TimeoutException}
 * and the exchange is cancelled (Reactor Netty closes its connection). Calls share no thread: a hung
 * endpoint holds only its own connection.
 */
public final class WebClientRefreshTransport implements RefreshTransport {
  private final WebClient client;

  private WebClientRefreshTransport(WebClient client) {
    this.client = client;
  }

  /**
   * @param httpClient the Reactor Netty client to refresh with (the one the API calls use is fine); refresh
   *     calls go through it with redirects off, since a refresh carries the refresh token
   */
  public static WebClientRefreshTransport of(HttpClient httpClient) {
    if (httpClient == null) throw new IllegalArgumentException("httpClient is null");
    return new WebClientRefreshTransport(WebClient.builder()
        .clientConnector(new ReactorClientHttpConnector(httpClient.followRedirect(false)))
        .build());
  }

  @Override
  public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
    byte[] body = request.body();
    WebClient.RequestBodySpec spec = client.method(HttpMethod.valueOf(request.method()))
        .uri(request.uri())
        .headers(h -> request.headers().forEach(h::set));
    WebClient.RequestHeadersSpec<?> ready = body == null ? spec : spec.bodyValue(body);
    int limit = request.maxReplyBytes();
    return ready.exchangeToMono(response -> readBounded(response.bodyToFlux(DataBuffer.class), limit)
            .map(bytes -> RefreshReply.of(response.statusCode().value(),
                SpringHeaders.toMap(response.headers().asHttpHeaders()), bytes)))
        .timeout(request.timeout())
        .toFuture();
  }

  /** At most {@code limit + 1} bytes of {@code body}: enough for core to tell a body over the limit. */
  private static Mono<byte[]> readBounded(Flux<DataBuffer> body, int limit) {
    return Mono.defer(() -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      return body.doOnNext(buffer -> {
        try {
          byte[] chunk = new byte[Math.min(buffer.readableByteCount(), limit + 1 - out.size())];
          buffer.read(chunk);
          out.write(chunk, 0, chunk.length);
        } finally {
          DataBufferUtils.release(buffer);
        }
      }).takeUntil(buffer -> out.size() > limit).then(Mono.fromCallable(out::toByteArray));
    });
  }

  @Override
  public String toString() {
    return "WebClientRefreshTransport";
  }
}
