package dev.silentrefresh.redis;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.jdk.JdkRefreshClient;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One process of the fleet test: a session on the shared Redis session, driven over stdin. {@code burst} sends
 * the given number of requests at once and answers {@code done <ok> <failed>}; {@code quit} ends it.
 * Arguments: redis URI, session name, server base URL, client id, requests per burst.
 */
public final class FleetNode {
  private FleetNode() {}

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[2]);
    int requests = Integer.parseInt(args[4]);
    try (RedisTokenStore store = RedisTokenStore.builder(args[0], args[1]).build()) {
      HttpClient plain = HttpClient.newHttpClient();
      TokenSession session = TokenSession.builder(Dialect.oauth2(base.resolve("/oauth/token"), args[3]),
          JdkRefreshTransport.of(plain)).scope(base).store(store).build();
      HttpClient client = JdkRefreshClient.wrap(plain, session);
      System.out.println("ready");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("quit")) break;
        if (!line.equals("burst")) continue;
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
          all.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/api/me")).build(), HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        int failed = 0;
        for (CompletableFuture<HttpResponse<String>> f : all) {
          try {
            if (f.get(60, TimeUnit.SECONDS).statusCode() == 200) ok++;
            else failed++;
          } catch (Exception e) {
            failed++;
            System.err.println("request failed: " + e);
          }
        }
        System.out.println("done " + ok + " " + failed);
        System.out.flush();
      }
    }
  }
}
