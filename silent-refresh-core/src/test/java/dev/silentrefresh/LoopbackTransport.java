package dev.silentrefresh;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The smallest real transport core's own tests can use (the adapters live in other modules): the JDK's
 * {@link HttpClient}, reading at most what core accepts of a reply.
 */
final class LoopbackTransport implements RefreshTransport {
  private final HttpClient client = HttpClient.newHttpClient();

  @Override
  public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
    byte[] body = request.body();
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout())
        .method(request.method(), body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (Map.Entry<String, String> h : request.headers().entrySet()) b.setHeader(h.getKey(), h.getValue());
    return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofInputStream())
        .thenApply(r -> RefreshReply.of(r.statusCode(), r.headers().map(), read(r.body(), request.maxReplyBytes())));
  }

  private static byte[] read(InputStream in, int limit) {
    try {
      return RefreshReply.readBounded(in, limit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
