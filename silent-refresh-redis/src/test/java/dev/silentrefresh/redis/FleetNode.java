package dev.silentrefresh.redis;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One process of the fleet tests: a session on the shared Redis session, driven over stdin. {@code burst} sends
 * the given number of requests at once and answers {@code done <ok> <failed>}; {@code timed} does the same and
 * answers {@code timed <ok> <failed> <slowest millis> <failures by kind>} (e.g.
 * {@code RefreshFailedException.TIMEOUT=50}, or {@code -}); {@code events} answers
 * {@code events refreshed=<n> adopted=<n> failed=<n> loginRequired=<n>}; {@code quit} ends it.
 * Arguments: redis URI, session name, server base URL, client id, requests per burst, and optionally the lock's
 * lease and the session's refresh deadline in milliseconds.
 */
public final class FleetNode {
  private FleetNode() {}

  public static void main(String[] args) throws Exception {
    URI base = URI.create(args[2]);
    int requests = Integer.parseInt(args[4]);
    RedisTokenStore.Builder storeBuilder = RedisTokenStore.builder(args[0], args[1]);
    if (args.length > 5) storeBuilder.lease(Duration.ofMillis(Long.parseLong(args[5])));
    AtomicInteger refreshed = new AtomicInteger();
    AtomicInteger adopted = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger loginRequired = new AtomicInteger();
    try (RedisTokenStore store = storeBuilder.build()) {
      HttpClient plain = HttpClient.newHttpClient();
      TokenSession.Builder sessionBuilder = TokenSession.builder(Dialect.oauth2(base.resolve("/oauth/token"), args[3]),
          JdkRefreshTransport.of(plain)).scope(base).store(store).listener(new SessionListener() {
            @Override
            public void refreshed(Instant newExpiry, Duration took, boolean wasAdopted) {
              (wasAdopted ? adopted : refreshed).incrementAndGet();
            }

            @Override
            public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
              if (!willRetry) failed.incrementAndGet();
            }

            @Override
            public void loginRequired(LoginRequiredException reason) {
              loginRequired.incrementAndGet();
            }
          });
      if (args.length > 6) sessionBuilder.refreshDeadline(Duration.ofMillis(Long.parseLong(args[6])));
      TokenSession session = sessionBuilder.build();
      HttpClient client = JdkRefreshClient.wrap(plain, session);
      System.out.println("ready");
      System.out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("quit")) break;
        if (line.equals("events")) {
          System.out.println("events refreshed=" + refreshed + " adopted=" + adopted + " failed=" + failed
              + " loginRequired=" + loginRequired);
          System.out.flush();
          continue;
        }
        boolean timed = line.equals("timed");
        if (!timed && !line.equals("burst")) continue;
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        List<long[]> took = new ArrayList<>(); // per request: {started, ended} in nanos
        for (int i = 0; i < requests; i++) {
          long[] t = {System.nanoTime(), 0};
          took.add(t);
          all.add(client.sendAsync(HttpRequest.newBuilder(base.resolve("/api/me")).build(),
              HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> t[1] = System.nanoTime()));
        }
        int ok = 0;
        int notOk = 0;
        Map<String, Integer> kinds = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> f : all) {
          try {
            int status = f.get(60, TimeUnit.SECONDS).statusCode();
            if (status == 200) {
              ok++;
            } else {
              notOk++;
              kinds.merge("status" + status, 1, Integer::sum);
            }
          } catch (Exception e) {
            notOk++;
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            String kind = cause.getClass().getSimpleName()
                + (cause instanceof RefreshFailedException ? "." + ((RefreshFailedException) cause).reason() : "");
            kinds.merge(kind, 1, Integer::sum);
            if (!timed) System.err.println("request failed: " + e);
          }
        }
        if (timed) {
          long slowest = 0;
          for (long[] t : took) slowest = Math.max(slowest, t[1] == 0 ? Long.MAX_VALUE : t[1] - t[0]);
          StringBuilder k = new StringBuilder();
          kinds.forEach((name, n) -> k.append(k.length() == 0 ? "" : ",").append(name).append('=').append(n));
          System.out.println("timed " + ok + " " + notOk + " " + TimeUnit.NANOSECONDS.toMillis(slowest) + " "
              + (k.length() == 0 ? "-" : k));
        } else {
          System.out.println("done " + ok + " " + notOk);
        }
        System.out.flush();
      }
    }
  }
}
