package dev.silentrefresh.cli;

import dev.silentrefresh.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import dev.silentrefresh.jdk.RefreshingHttpClient;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** java.net.http: {@code send} for blocking calls, {@code sendAsync} for async ones. */
final class JdkDemoClient implements DemoClient {
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
    HttpClient client = RefreshingHttpClient.wrap(plain, session);
    return new Caller() {
      @Override
      public Reply get(URI uri) throws IOException {
        try {
          HttpResponse<String> r = client.send(request(uri), HttpResponse.BodyHandlers.ofString());
          return new Reply(r.statusCode(), r.body());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted");
        }
      }

      @Override
      public CompletableFuture<Reply> getAsync(URI uri) {
        return client.sendAsync(request(uri), HttpResponse.BodyHandlers.ofString())
            .thenApply(r -> new Reply(r.statusCode(), r.body()));
      }
    };
  }

  private static HttpRequest request(URI uri) {
    return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
  }
}
