package dev.silentrefresh.conformance;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.jdk.JdkRefreshClient;
import dev.silentrefresh.jdk.JdkRefreshTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The second process of the shared-store scenario: a session on {@code TokenStore.file(path)} with the
 * JDK client, calling the reference server's API when told. It reads commands from stdin, one a line:
 * {@code burst N} sends N calls at once and answers {@code done ok=X failed=Y [first failure]};
 * {@code quit} (or the end of stdin) exits. It prints {@code ready} once started, and halts by itself
 * after its lifetime (last argument, seconds) whatever happens, so it can never outlive a test run.
 *
 * <p>Arguments: {@code profileId refreshUri clientId clientCredential apiUri storePath lifetimeSeconds}.
 * Threads: commands run on the main thread; calls on a pool of daemon threads.
 */
public final class SharedStoreWorker {
  public static final String READY = "ready";
  public static final String DONE = "done";
  private static final String USER_ID = "9223372036854775807";

  private SharedStoreWorker() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 7) {
      System.err.println("usage: SharedStoreWorker profileId refreshUri clientId clientCredential apiUri storePath lifetimeSeconds");
      System.exit(2);
    }
    long lifetimeSeconds = Long.parseLong(args[6]);
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(daemon("worker-watchdog"));
    watchdog.schedule(() -> {
      System.err.println("SharedStoreWorker: lifetime of " + lifetimeSeconds + " s is over; halting");
      Runtime.getRuntime().halt(3);
    }, lifetimeSeconds, TimeUnit.SECONDS);

    Dialect dialect = dialect(args[0], URI.create(args[1]), args[2], args[3]);
    URI api = URI.create(args[4]);
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    TokenSession session = TokenSession.builder(dialect, JdkRefreshTransport.of(plain))
        .store(TokenStore.file(Path.of(args[5])))
        .scope(api)
        .retry(2, Duration.ofMillis(10), Duration.ofMillis(50))
        .refreshTimeout(Duration.ofSeconds(5))
        .build();
    HttpClient client = JdkRefreshClient.wrap(plain, session);
    ExecutorService pool = Executors.newCachedThreadPool(daemon("worker-call"));

    System.out.println(READY);
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      line = line.trim();
      if (line.equals("quit")) break;
      if (line.startsWith("burst ")) {
        System.out.println(burst(client, api, pool, Integer.parseInt(line.substring(6).trim())));
      } else {
        System.out.println("error unknown command: " + line);
      }
      System.out.flush();
    }
    System.exit(0);
  }

  private static String burst(HttpClient client, URI api, ExecutorService pool, int n) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> firstFailure = new AtomicReference<>("");
    List<CompletableFuture<Void>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      calls.add(CompletableFuture.runAsync(() -> {
        try {
          start.await();
          HttpResponse<String> r = client.send(HttpRequest.newBuilder(api).timeout(Duration.ofSeconds(30)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200 && r.body().contains(USER_ID)) {
            ok.incrementAndGet();
          } else {
            failed.incrementAndGet();
            firstFailure.compareAndSet("", "status " + r.statusCode());
          }
        } catch (Exception e) {
          failed.incrementAndGet();
          firstFailure.compareAndSet("", describe(e));
        }
      }, pool));
    }
    start.countDown();
    CompletableFuture.allOf(calls.toArray(new CompletableFuture[0])).join();
    return DONE + " ok=" + ok.get() + " failed=" + failed.get() + (firstFailure.get().isEmpty() ? "" : " " + firstFailure.get());
  }

  /** The client side of the reference server's profile (as {@code AuthServer.dialect()} builds it). */
  static Dialect dialect(String profileId, URI refreshUri, String clientId, String clientCredential) {
    switch (profileId) {
      case "oauth2": return Dialect.oauth2(refreshUri, clientId);
      case "put-bearer": return Dialect.putBearer(refreshUri);
      case "code-1002": return Dialect.code1002(refreshUri, clientCredential);
      case "code-50014": return Dialect.code50014(refreshUri);
      case "code-401": return Dialect.code401(refreshUri);
      default: throw new IllegalArgumentException("unknown profile " + profileId);
    }
  }

  private static String describe(Throwable e) {
    StringBuilder b = new StringBuilder(e.getClass().getSimpleName());
    if (e instanceof dev.silentrefresh.LoginRequiredException) {
      b.append('(').append(((dev.silentrefresh.LoginRequiredException) e).reason()).append(')');
    } else if (e instanceof dev.silentrefresh.RefreshFailedException) {
      b.append('(').append(((dev.silentrefresh.RefreshFailedException) e).reason()).append(')');
    }
    return b.toString();
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
