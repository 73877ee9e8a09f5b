package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.okhttp.SessionKey;
import dev.silentrefresh.okhttp.OkHttpRefreshTransport; // explicit: the driver moves to the conformance package
import dev.silentrefresh.okhttp.OkHttpRefreshInterceptor;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * OkHttp: {@code call.execute()} for blocking calls, {@code enqueue} for async ones. Enqueued calls
 * run the interceptor on dispatcher threads, which block while a refresh is in flight; the
 * dispatcher allows 1000 calls at once so that a herd is not queued behind itself.
 */
public final class OkHttpDriver implements ClientUnderTest {
  private final OkHttpClient plain;

  public OkHttpDriver() {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(1000);
    dispatcher.setMaxRequestsPerHost(1000);
    plain = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectTimeout(Duration.ofSeconds(5))
        .callTimeout(Duration.ofSeconds(30))
        .build();
  }

  @Override
  public String name() {
    return "okhttp";
  }

  @Override
  public RefreshTransport transport() {
    return OkHttpRefreshTransport.of(plain);
  }

  @Override
  public Caller caller(TokenSession session) {
    return callerOf(OkHttpRefreshInterceptor.install(plain.newBuilder(), session).build());
  }

  /**
   * Ways: {@code tag} (a {@link SessionKey} tag) and {@code thread} (the calling thread's key: {@code execute()}
   * reads it in the interceptor; {@code enqueue()} calls are made by {@link SessionKey#fromCallingThread}).
   */
  @Override
  public UsersCaller usersCaller(TokenSessions sessions) {
    OkHttpClient client = OkHttpRefreshInterceptor.install(plain.newBuilder(), sessions).build();
    Caller byThread = callerOf(SessionKey.fromCallingThread(client));
    Function<String, Caller> byTag = user -> user == null ? callerOf(client)
        : callerOf(request -> client.newCall(request.newBuilder().tag(SessionKey.class, SessionKey.of(user)).build()));
    return UsersCaller.of(List.of("tag", "thread"),
        (way, user, uri) -> way.equals("tag") ? byTag.apply(user).get(uri)
            : UsersCaller.asThreadUser(user, () -> byThread.get(uri)),
        (way, user, uri) -> way.equals("tag") ? byTag.apply(user).getAsync(uri)
            : UsersCaller.startAsThreadUser(user, () -> byThread.getAsync(uri)));
  }

  private static Caller callerOf(Call.Factory client) {
    return new Caller() {
      @Override
      public CallReply send(String method, URI uri, String contentType, byte[] body) throws IOException {
        try (Response r = client.newCall(request(method, uri, contentType, body)).execute()) {
          return reply(r);
        }
      }

      @Override
      public CompletableFuture<CallReply> getAsync(URI uri) {
        CompletableFuture<CallReply> result = new CompletableFuture<>();
        client.newCall(request("GET", uri, null, null)).enqueue(new Callback() {
          @Override
          public void onFailure(Call call, IOException e) {
            result.completeExceptionally(e);
          }

          @Override
          public void onResponse(Call call, Response response) {
            try (Response r = response) {
              result.complete(reply(r));
            } catch (IOException | RuntimeException e) {
              result.completeExceptionally(e);
            }
          }
        });
        return result;
      }
    };
  }

  @Override
  public void close() {
    plain.dispatcher().executorService().shutdown();
    plain.connectionPool().evictAll();
  }

  private static Request request(String method, URI uri, String contentType, byte[] body) {
    RequestBody requestBody = body == null ? null
        : RequestBody.create(body, contentType == null ? null : MediaType.get(contentType));
    return new Request.Builder().url(uri.toString()).method(method, requestBody).build();
  }

  private static CallReply reply(Response r) throws IOException {
    ResponseBody body = r.body();
    return new CallReply(r.code(), r.headers().toMultimap(), body == null ? new byte[0] : body.bytes());
  }
}
