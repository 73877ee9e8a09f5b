package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * Sends core's refresh requests with a client derived from yours ({@code newBuilder()}: same
 * connection pool, settings and other interceptors) without Silent Refresh's interceptors, so a
 * refresh can never trigger a refresh. It has its own {@link Dispatcher}, so a refresh never queues
 * behind calls that are waiting for it; it follows no redirect, answers no authentication challenge,
 * and sends its body at most once per try (core counts and bounds the tries).
 */
public final class OkHttpRefreshTransport implements RefreshTransport {
  private final OkHttpClient client;

  private OkHttpRefreshTransport(OkHttpClient client) {
    this.client = client;
  }

  /**
   * @param client your client, with or without {@link OkHttpRefreshInterceptor} installed
   * @return a transport sending through a client derived from {@code client}
   */
  public static OkHttpRefreshTransport of(OkHttpClient client) {
    if (client == null) throw new IllegalArgumentException("client is null");
    OkHttpClient.Builder b = client.newBuilder();
    b.interceptors().removeIf(i -> i instanceof OkHttpRefreshInterceptor);
    b.networkInterceptors().removeIf(i -> i instanceof OffScopeTokenGuard);
    return new OkHttpRefreshTransport(b
        .dispatcher(new Dispatcher(executor()))
        .followRedirects(false)
        .followSslRedirects(false)
        .authenticator(Authenticator.NONE)
        .build());
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
        reply.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (Response r = response) {
          ResponseBody rb = r.body();
          byte[] bytes = rb == null ? new byte[0] : RefreshReply.readBounded(rb.byteStream(), limit);
          reply.complete(RefreshReply.of(r.code(), r.headers().toMultimap(), bytes));
        } catch (IOException | RuntimeException e) {
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

  /** Like OkHttp's own dispatcher pool, with daemon threads: an idle refresh transport never holds a JVM open. */
  private static ThreadPoolExecutor executor() {
    return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
      Thread t = new Thread(r, "silent-refresh-okhttp-refresh");
      t.setDaemon(true);
      return t;
    });
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
