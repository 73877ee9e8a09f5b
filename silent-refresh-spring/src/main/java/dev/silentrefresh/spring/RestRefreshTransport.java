package dev.silentrefresh.spring;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.InterceptingClientHttpRequestFactory;

/**
 * Sends core's refresh requests straight through a {@link ClientHttpRequestFactory} — never through
 * {@link RestRefreshInterceptor}, so a refresh can never trigger a refresh. The factory blocks, so each
 * call runs on a small pool of daemon threads shared by all these transports (or on an executor you
 * give), and the session waits on a future. Reads at most the reply size core accepts.
 *
 * <p>Core gives up waiting after its refresh timeout; the thread is freed by the factory's own read
 * timeout, so configure one on the factory.
 */
public final class RestRefreshTransport implements RefreshTransport {
  private static final Executor SHARED = sharedPool();

  private final ClientHttpRequestFactory factory;
  private final Executor executor;

  private RestRefreshTransport(ClientHttpRequestFactory factory, Executor executor) {
    this.factory = factory;
    this.executor = executor;
  }

  /** @param plainFactory a request factory without interceptors (e.g. {@code new JdkClientHttpRequestFactory()}) */
  public static RestRefreshTransport of(ClientHttpRequestFactory plainFactory) {
    return of(plainFactory, SHARED);
  }

  /** As {@link #of(ClientHttpRequestFactory)}, running the blocking calls on {@code executor}. */
  public static RestRefreshTransport of(ClientHttpRequestFactory plainFactory, Executor executor) {
    if (plainFactory == null) throw new IllegalArgumentException("factory is null");
    if (executor == null) throw new IllegalArgumentException("executor is null");
    if (plainFactory instanceof InterceptingClientHttpRequestFactory) {
      throw new IllegalArgumentException("the factory runs interceptors (a refresh must not pass through"
          + " RestRefreshInterceptor); pass the plain factory underneath");
    }
    return new RestRefreshTransport(plainFactory, executor);
  }

  @Override
  public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
    CompletableFuture<RefreshReply> reply = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          reply.complete(call(request));
        } catch (Throwable e) {
          reply.completeExceptionally(Scrub.refreshError(e, request));
        }
      });
    } catch (RuntimeException e) { // rejected by the executor
      reply.completeExceptionally(e);
    }
    return reply;
  }

  private RefreshReply call(RefreshRequest request) throws IOException {
    ClientHttpRequest http = factory.createRequest(request.uri(), HttpMethod.valueOf(request.method()));
    for (Map.Entry<String, String> h : request.headers().entrySet()) http.getHeaders().set(h.getKey(), h.getValue());
    byte[] body = request.body();
    if (body != null) {
      http.getHeaders().setContentLength(body.length);
      if (http instanceof StreamingHttpOutputMessage) {
        ((StreamingHttpOutputMessage) http).setBody(out -> out.write(body));
      } else {
        http.getBody().write(body);
      }
    }
    try (ClientHttpResponse response = http.execute()) {
      int status = response.getStatusCode().value();
      return RefreshReply.of(status, response.getHeaders(), RefreshReply.readBounded(response.getBody(), request.maxReplyBytes()));
    }
  }

  private static Executor sharedPool() {
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "silent-refresh-rest-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  @Override
  public String toString() {
    return "RestRefreshTransport{" + factory.getClass().getSimpleName() + '}';
  }
}
