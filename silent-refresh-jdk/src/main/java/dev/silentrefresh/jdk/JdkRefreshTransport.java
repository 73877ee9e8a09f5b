package dev.silentrefresh.jdk;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends core's refresh requests with a plain {@link HttpClient} — never a {@link JdkRefreshClient},
 * so a refresh can never trigger a refresh. Reads at most the reply size core accepts.
 */
public final class JdkRefreshTransport implements RefreshTransport {
  private final HttpClient client;

  private JdkRefreshTransport(HttpClient client) {
    this.client = client;
  }

  /** @param plainClient a client without token handling (the one you wrap is fine) */
  public static JdkRefreshTransport of(HttpClient plainClient) {
    if (plainClient == null) throw new IllegalArgumentException("client is null");
    if (plainClient instanceof JdkRefreshClient) {
      plainClient = ((JdkRefreshClient) plainClient).delegate();
    }
    return new JdkRefreshTransport(plainClient);
  }

  @Override
  public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
    byte[] body = request.body();
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri())
        .timeout(request.timeout())
        .method(request.method(), body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, String> h : request.headers().entrySet()) b.setHeader(h.getKey(), h.getValue());
    int limit = request.maxReplyBytes();
    return client.sendAsync(b.build(), info -> new BoundedBodySubscriber(limit))
        .thenApply(r -> RefreshReply.of(r.statusCode(), r.headers().map(), r.body()));
  }
}
