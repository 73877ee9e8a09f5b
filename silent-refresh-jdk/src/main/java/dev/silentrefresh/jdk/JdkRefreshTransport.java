package dev.silentrefresh.jdk;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends core's refresh requests with a plain {@link HttpClient} — never a {@link JdkRefreshClient},
 * so a refresh can never trigger a refresh. Reads at most the reply size core accepts. Each call ends
 * within {@link RefreshRequest#timeout()}, the reply body included: on time out the future fails with an
 * {@link java.net.http.HttpTimeoutException} (no headers yet) or a {@link java.util.concurrent.TimeoutException}
 * (the body stalled), and the exchange is aborted. The JDK client has no per-host limit, so one
 * session's hung refresh endpoint never holds up another's.
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
    CompletableFuture<HttpResponse<byte[]>> sent = client.sendAsync(b.build(), info -> new BoundedBodySubscriber(limit));
    // The request timeout ends when the headers arrive; the deadline covers the body as well.
    CompletableFuture<RefreshReply> reply = sent
        .thenApply(r -> RefreshReply.of(r.statusCode(), r.headers().map(), r.body()))
        .orTimeout(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    reply.whenComplete((r, e) -> {
      if (e != null) sent.cancel(true); // timed out or cancelled by core: abort the exchange
    });
    return reply;
  }
}
