package dev.silentrefresh.spring;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.InterceptingClientHttpRequestFactory;

/**
 * Sends core's refresh requests straight through a {@link ClientHttpRequestFactory} — never through
 * {@link RestRefreshInterceptor}, so a refresh can never trigger a refresh. The factory blocks, so each
 * call runs on a daemon thread of its own (threads are reused, never shared by two calls at once: a slow
 * or hung refresh endpoint holds up no other session), and the session waits on a future. The future
 * fails with a {@link TimeoutException} once {@link RefreshRequest#timeout()} has passed; the call is
 * then interrupted and its reply, if one arrived, closed. A thread blocked on a socket that ignores
 * interrupts ({@code HttpURLConnection}) is freed by the factory's read timeout, so set one anyway.
 * Reads at most the reply size core accepts.
 */
public final class RestRefreshTransport implements RefreshTransport {
  private final ClientHttpRequestFactory factory;

  private RestRefreshTransport(ClientHttpRequestFactory factory) {
    this.factory = factory;
  }

  /**
   * @param factory a factory from {@code RestRefreshInterceptor.requestFactory(...)}: a refresh carries the
   *     refresh token, so it must not follow a redirect either
   */
  public static RestRefreshTransport of(ClientHttpRequestFactory factory) {
    if (factory instanceof InterceptingClientHttpRequestFactory) {
      throw new IllegalArgumentException("the factory runs interceptors (a refresh must not pass through"
          + " RestRefreshInterceptor); pass the plain factory underneath");
    }
    return new RestRefreshTransport(RestRefreshInterceptor.requireSafe(factory));
  }

  @Override
  public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
    CompletableFuture<RefreshReply> reply = new CompletableFuture<>();
    AtomicReference<ClientHttpResponse> open = new AtomicReference<>();
    Future<?> call;
    try {
      call = BlockingCalls.POOL.submit(() -> {
        try {
          reply.complete(call(request, open));
        } catch (Throwable e) {
          reply.completeExceptionally(e);
        }
      });
    } catch (RuntimeException e) { // rejected: out of threads
      reply.completeExceptionally(e);
      return reply;
    }
    reply.orTimeout(request.timeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
      if (e == null) return;
      call.cancel(true); // timed out or cancelled: interrupt the call and close what it opened
      ClientHttpResponse response = open.getAndSet(null);
      // closing may block (HttpURLConnection reads the status first): never on the timer's thread
      if (response != null) BlockingCalls.POOL.execute(response::close);
    });
    return reply;
  }

  private RefreshReply call(RefreshRequest request, AtomicReference<ClientHttpResponse> open) throws IOException {
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
      open.set(response);
      int status = response.getStatusCode().value();
      return RefreshReply.of(status, SpringHeaders.toMap(response.getHeaders()), RefreshReply.readBounded(response.getBody(), request.maxReplyBytes()));
    } finally {
      open.set(null);
    }
  }

  @Override
  public String toString() {
    return "RestRefreshTransport{" + factory.getClass().getSimpleName() + '}';
  }
}
