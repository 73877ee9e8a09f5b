package dev.silentrefresh.redis;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.jdk.JdkRefreshClient;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A process of a backend-for-frontend holding many users' sessions: a {@link TokenSessions} over
 * {@link RedisTokenStores}, every user's session made on first use from Redis. Driven over stdin: {@code burst}
 * sends {@code perUser} requests for every user at once and answers {@code done <ok> <failed> <crossed>}
 * (crossed: a 200 whose body names another user); {@code quit} ends it. The same code runs in the test's JVM.
 * Arguments: redis URI, key prefix, server base URL, client id, users, requests per user.
 *
 * <p>A refresh may take 60 s: with thousands of requests in the air on a small machine the server can take longer
 * than the default 10 s to answer one, and a refresh the server committed but the client gave up on is retried
 * with the spent refresh token, which this server (no grace window) punishes by ending that user's session. The
 * point here is coordination, not latency.
 */
public final class ManyUsersNode implements AutoCloseable {
  private final RedisTokenStores stores;
  private final TokenSessions sessions;
  private final JdkRefreshClient usersClient;
  private final HttpClient plain = HttpClient.newHttpClient();
  private final URI base;
  private final int users;
  private final int perUser;

  ManyUsersNode(RedisTokenStores stores, URI base, String clientId, int users, int perUser, int maximumSize) {
    this.stores = stores;
    this.base = base;
    this.users = users;
    this.perUser = perUser;
    Dialect dialect = Dialect.oauth2(base.resolve("/oauth/token"), clientId);
    this.sessions = TokenSessions.builder(user -> TokenSession.builder(dialect, JdkRefreshTransport.of(plain))
        .scope(base).store(stores.forSession(user)).refreshTimeout(Duration.ofSeconds(60)).listener(new SessionListener() {
          @Override
          public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
            System.err.println("refresh failed for " + user + ": " + failure.getMessage());
          }
        }).build()).maximumSize(maximumSize).build();
    this.usersClient = JdkRefreshClient.wrap(plain, sessions);
  }

  static String user(int i) {
    return "user-" + i;
  }

  private JdkRefreshClient users() {
    return usersClient;
  }

  TokenSessions sessions() {
    return sessions;
  }

  RedisTokenStores stores() {
    return stores;
  }

  /** Every user's requests at once; {ok, failed, crossed}. */
  int[] burst() {
    long started = System.nanoTime();
    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    List<String> sentFor = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      String user = user(u);
      HttpClient client = users().forKey(user); // the adapter picks the user's session from the registry
      for (int r = 0; r < perUser; r++) {
        all.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/api/me")).build(), HttpResponse.BodyHandlers.ofString()));
        sentFor.add(user);
      }
    }
    int ok = 0;
    int failed = 0;
    int crossed = 0;
    for (int i = 0; i < all.size(); i++) {
      try {
        HttpResponse<String> reply = all.get(i).get(120, TimeUnit.SECONDS);
        if (reply.statusCode() != 200) {
          failed++;
        } else if (!reply.body().contains("\"username\":\"" + sentFor.get(i) + "\"")) {
          crossed++;
        } else {
          ok++;
        }
      } catch (Exception e) {
        failed++;
        System.err.println("request for " + sentFor.get(i) + " failed: " + e);
      }
    }
    System.err.printf("many users: %d requests for %d users in %d ms%n", all.size(), users,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    return new int[] {ok, failed, crossed};
  }

  @Override
  public void close() {
    stores.close();
  }

  public static void main(String[] args) throws Exception {
    try (ManyUsersNode node = new ManyUsersNode(RedisTokenStores.builder(args[0]).keyPrefix(args[1]).build(),
        URI.create(args[2]), args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]), Integer.parseInt(args[4]))) {
      System.out.println("ready");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("quit")) break;
        if (!line.equals("burst")) continue;
        int[] r = node.burst();
        System.out.println("done " + r[0] + " " + r[1] + " " + r[2]);
        System.out.flush();
      }
    }
  }
}
