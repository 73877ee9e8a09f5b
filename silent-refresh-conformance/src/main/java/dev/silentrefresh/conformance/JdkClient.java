package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import dev.silentrefresh.jdk.JdkRefreshClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/** java.net.http: {@code send} for blocking calls, {@code sendAsync} for async ones. */
public final class JdkClient implements ClientUnderTest {
  private final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Override
  public String name() {
    return "jdk";
  }

  @Override
  public RefreshTransport transport() {
    return JdkRefreshTransport.of(plain);
  }

  @Override
  public Caller caller(TokenSession session) {
    return callerOf(JdkRefreshClient.wrap(plain, session));
  }

  /** Ways: {@code thread} (the calling thread's key) and {@code view} ({@code forKey(user)}). */
  @Override
  public UsersCaller usersCaller(TokenSessions sessions) {
    JdkRefreshClient client = JdkRefreshClient.wrap(plain, sessions);
    Function<String, HttpClient> viewOf = user -> user == null ? client : client.forKey(user);
    return UsersCaller.of(List.of("thread", "view"),
        (way, user, uri) -> way.equals("view") ? callerOf(viewOf.apply(user)).get(uri)
            : UsersCaller.asThreadUser(user, () -> callerOf(client).get(uri)),
        // sendAsync reads the thread's key at once, on this thread
        (way, user, uri) -> way.equals("view") ? callerOf(viewOf.apply(user)).getAsync(uri)
            : UsersCaller.startAsThreadUser(user, () -> callerOf(client).getAsync(uri)));
  }

  private static Caller callerOf(HttpClient client) {
    return new Caller() {
      @Override
      public CallReply send(String method, URI uri, String contentType, byte[] body) throws IOException {
        try {
          return reply(client.send(request(method, uri, contentType, body), HttpResponse.BodyHandlers.ofByteArray()));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException();
        }
      }

      @Override
      public CompletableFuture<CallReply> getAsync(URI uri) {
        return client.sendAsync(request("GET", uri, null, null), HttpResponse.BodyHandlers.ofByteArray())
            .handle((r, e) -> {
              if (e != null) throw new CompletionException(e instanceof CompletionException ? e.getCause() : e);
              return reply(r);
            });
      }
    };
  }

  private static HttpRequest request(String method, URI uri, String contentType, byte[] body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) b.header("Content-Type", contentType);
    return b.build();
  }

  private static CallReply reply(HttpResponse<byte[]> r) {
    return new CallReply(r.statusCode(), r.headers().map(), r.body());
  }
}
