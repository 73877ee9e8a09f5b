package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.X509TrustManager;
import okhttp3.Authenticator;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.BufferedSink;

/**
 * Sends core's refresh requests with a client built from yours that keeps only what reaching the
 * server needs: the connection pool, timeouts, proxy (and proxy authentication), socket factory,
 * TLS settings, protocols and DNS. None of your interceptors, network interceptors, event listener,
 * cache or cookie jar see a refresh, so neither logging nor metrics ever see the refresh token or the
 * new tokens, and a refresh can never trigger a refresh. It follows no redirect, answers no
 * authentication challenge, and sends its body at most once per try (core counts and bounds the tries).
 *
 * <p>It has its own {@link Dispatcher} without per-host limits: calls waiting for a refresh hold
 * slots of your dispatcher (5 per host by default), and one session's hung refresh endpoint must not
 * hold up another session's refresh. Each call ends within {@link RefreshRequest#timeout()}, failing
 * with a {@link TimeoutException} when it passes. Callbacks run on the transport's daemon threads.
 */
public final class OkHttpRefreshTransport implements RefreshTransport {
  private final OkHttpClient client;

  private OkHttpRefreshTransport(OkHttpClient client) {
    this.client = client;
  }

  /**
   * @param client your client, with or without {@link OkHttpRefreshInterceptor} installed
   * @return a transport sending through a client that shares {@code client}'s connection pool
   */
  public static OkHttpRefreshTransport of(OkHttpClient client) {
    if (client == null) throw new IllegalArgumentException("client is null");
    Dispatcher dispatcher = new Dispatcher(DaemonThreads.pool("silent-refresh-okhttp-refresh"));
    dispatcher.setMaxRequests(Integer.MAX_VALUE); // one refresh per session at a time: bounded by the sessions
    dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
    OkHttpClient.Builder b = new OkHttpClient.Builder()
        .connectionPool(client.connectionPool())
        .dispatcher(dispatcher)
        .connectTimeout(client.connectTimeoutMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(client.readTimeoutMillis(), TimeUnit.MILLISECONDS)
        .writeTimeout(client.writeTimeoutMillis(), TimeUnit.MILLISECONDS)
        .proxy(client.proxy())
        .proxySelector(client.proxySelector())
        .proxyAuthenticator(client.proxyAuthenticator())
        .socketFactory(client.socketFactory())
        .hostnameVerifier(client.hostnameVerifier())
        .certificatePinner(client.certificatePinner())
        .connectionSpecs(client.connectionSpecs())
        .protocols(client.protocols())
        .dns(client.dns())
        .retryOnConnectionFailure(client.retryOnConnectionFailure())
        .followRedirects(false)
        .followSslRedirects(false)
        .authenticator(Authenticator.NONE);
    X509TrustManager trustManager = client.x509TrustManager(); // null for a cleartext-only client
    if (trustManager != null) b.sslSocketFactory(client.sslSocketFactory(), trustManager);
    return new OkHttpRefreshTransport(b.build());
  }

  @Override
  public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
    Request.Builder b = new Request.Builder().url(request.uri().toString());
    for (Map.Entry<String, String> h : request.headers().entrySet()) b.header(h.getKey(), h.getValue());
    byte[] body = request.body();
    String method = request.method();
    if (body == null && !method.equals("GET") && !method.equals("HEAD")) body = new byte[0];
    b.method(method, body == null ? null : new OneShotBody(body));

    Call call = client.newCall(b.build());
    call.timeout().timeout(request.timeout().toMillis(), TimeUnit.MILLISECONDS);
    int limit = request.maxReplyBytes();
    CompletableFuture<RefreshReply> reply = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        // Only the call timeout cancels this call while its future is pending: say so in the type.
        reply.completeExceptionally(c.isCanceled() ? timedOut(request, e) : e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (Response r = response) {
          ResponseBody rb = r.body();
          byte[] bytes = rb == null ? new byte[0] : RefreshReply.readBounded(rb.byteStream(), limit);
          reply.complete(RefreshReply.of(r.code(), r.headers().toMultimap(), bytes));
        } catch (IOException e) {
          reply.completeExceptionally(c.isCanceled() ? timedOut(request, e) : e); // the call timeout covers the body
        } catch (RuntimeException e) {
          reply.completeExceptionally(e);
        }
      }
    });
    reply.whenComplete((r, e) -> {
      if (reply.isCancelled()) call.cancel();
    });
    return reply;
  }

  @Override
  public String toString() {
    return "OkHttpRefreshTransport";
  }

  private static TimeoutException timedOut(RefreshRequest request, IOException e) {
    TimeoutException timeout = new TimeoutException("the refresh call took longer than " + request.timeout().toMillis() + " ms");
    timeout.initCause(e);
    return timeout;
  }

  /**
   * The refresh body. One-shot: OkHttp never re-sends it by itself once sending began (a refresh
   * token that rotates must not be presented twice behind core's back).
   */
  private static final class OneShotBody extends RequestBody {
    private final byte[] bytes;

    OneShotBody(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public MediaType contentType() {
      return null; // the Content-Type header core set is sent as is
    }

    @Override
    public long contentLength() {
      return bytes.length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.write(bytes);
    }

    @Override
    public boolean isOneShot() {
      return true;
    }
  }
}
