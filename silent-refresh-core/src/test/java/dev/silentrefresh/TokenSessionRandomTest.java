package dev.silentrefresh;

import static dev.silentrefresh.Script.API;
import static dev.silentrefresh.Script.DIALECT;
import static dev.silentrefresh.Script.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.silentrefresh.Script.Reply;
import dev.silentrefresh.Script.TestClock;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Many seeds of concurrent calls (blocking, async, cancelled), sign-ins, sign-outs, clock jumps, and a
 * refresh endpoint that rotates with reuse detection and fails, delays or loses replies at random.
 * After every run: every call ended; nobody waits; no two refresh calls overlapped; no refresh token
 * whose refresh succeeded was presented again; tokens a thread sends never go back a generation; no
 * token in any message.
 */
class TokenSessionRandomTest {
  private static final int SEEDS = 60;
  private static final int THREADS = 4;
  private static final int OPS = 25;
  private static final ScheduledExecutorService LATER = Executors.newScheduledThreadPool(2);
  private static final ExecutorService POOL = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() {
    LATER.shutdownNow();
    POOL.shutdownNow();
  }

  /** A reference refresh endpoint: numbered tokens, rotation, reuse detection, random faults. */
  static final class Server implements RefreshTransport {
    final Random random;
    final AtomicInteger minted = new AtomicInteger(100);
    final Set<String> liveAccess = ConcurrentHashMap.newKeySet();
    final Map<String, Boolean> refreshTokens = new ConcurrentHashMap<>(); // token -> spent
    final Set<String> delivered = ConcurrentHashMap.newKeySet(); // refresh tokens whose success reached the client
    final List<String> reusedAfterDelivery = new CopyOnWriteArrayList<>();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peak = new AtomicInteger();

    Server(long seed) {
      this.random = new Random(seed);
    }

    synchronized Tokens login() {
      int n = minted.incrementAndGet();
      liveAccess.add(access(n));
      refreshTokens.put(refresh(n), false);
      return Tokens.of(access(n), refresh(n));
    }

    static String access(int n) {
      return "tokA-" + n;
    }

    static String refresh(int n) {
      return "tokR-" + n;
    }

    synchronized void expireAll() {
      liveAccess.clear();
    }

    @Override
    public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
      String form = new String(request.body(), StandardCharsets.UTF_8);
      String presented = null;
      for (String pair : form.split("&")) {
        if (pair.startsWith("refresh_token=")) presented = URLDecoder.decode(pair.substring(14), StandardCharsets.UTF_8);
      }
      if (delivered.contains(presented)) reusedAfterDelivery.add(presented);
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      int fault;
      RefreshReply reply;
      String rotatedFrom = null;
      synchronized (this) {
        fault = random.nextInt(10);
        Boolean spent = refreshTokens.get(presented);
        if (fault == 0) {
          reply = json(503, "{}");
        } else if (spent == null || spent) {
          refreshTokens.replaceAll((k, v) -> true); // reuse detection: the whole family dies
          reply = Script.dead();
        } else {
          refreshTokens.put(presented, true);
          int n = minted.incrementAndGet();
          liveAccess.add(access(n));
          refreshTokens.put(refresh(n), false);
          reply = json(200, "{\"access_token\":\"" + access(n) + "\",\"refresh_token\":\"" + refresh(n)
              + "\",\"expires_in\":300}");
          rotatedFrom = presented;
        }
      }
      CompletableFuture<RefreshReply> f = new CompletableFuture<>();
      f.whenComplete((r, e) -> inFlight.decrementAndGet());
      String succeededFor = rotatedFrom;
      if (fault == 1) { // lost after commit
        LATER.schedule(() -> f.completeExceptionally(new IOException("connection reset")), 2, TimeUnit.MILLISECONDS);
      } else if (fault == 2) { // late
        LATER.schedule(() -> deliver(f, reply, succeededFor), 1 + random.nextInt(30), TimeUnit.MILLISECONDS);
      } else {
        deliver(f, reply, succeededFor);
      }
      return f;
    }

    private void deliver(CompletableFuture<RefreshReply> f, RefreshReply reply, String succeededFor) {
      if (succeededFor != null) delivered.add(succeededFor);
      f.complete(reply);
    }
  }

  static final class Call implements Exchange.Blocking<Reply> {
    final Server server;
    final Map<String, List<Integer>> sentByThread;

    Call(Server server, Map<String, List<Integer>> sentByThread) {
      this.server = server;
      this.sentByThread = sentByThread;
    }

    @Override
    public Reply send(String header) {
      String token = header.substring("Bearer ".length());
      sentByThread.computeIfAbsent(Thread.currentThread().getName(), k -> new CopyOnWriteArrayList<>())
          .add(Integer.parseInt(token.substring(5)));
      return new Reply(server.liveAccess.contains(token) ? 200 : 401, token);
    }

    @Override
    public int status(Reply reply) {
      return reply.status;
    }

    @Override
    public String header(Reply reply, String name) {
      return null;
    }

    @Override
    public byte[] body(Reply reply) {
      return null;
    }

    @Override
    public void discard(Reply reply) {}
  }

  @Test
  void invariantsHoldOverManySeeds() throws Exception {
    for (long seed = 1; seed <= SEEDS; seed++) run(seed);
  }

  private void run(long seed) throws Exception {
    Server server = new Server(seed);
    TestClock clock = new TestClock();
    Map<String, List<Integer>> sentByThread = new ConcurrentHashMap<>();
    List<String> messages = new CopyOnWriteArrayList<>();
    TokenSession session = TokenSession.builder(DIALECT, server).clock(clock).scope(API)
        .retry(3, Duration.ofMillis(1), Duration.ofMillis(5)).refreshDeadline(Duration.ofSeconds(2)).build();
    SessionCalls calls = SessionCalls.of(session);
    session.signIn(server.login());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Random r = new Random(seed * 31 + t);
      workers.add(POOL.submit(() -> {
        go.await();
        Thread.currentThread().setName("worker-" + seed + "-" + Thread.currentThread().getId());
        for (int i = 0; i < OPS; i++) {
          int op = r.nextInt(100);
          try {
            if (op < 60) {
              calls.execute(API, new Call(server, sentByThread));
            } else if (op < 75) {
              CompletableFuture<Reply> f = calls.executeAsync(API, asyncCall(server));
              if (r.nextBoolean()) f.cancel(false);
              try {
                f.get(30, TimeUnit.SECONDS);
              } catch (java.util.concurrent.CancellationException | java.util.concurrent.ExecutionException e) {
                collect(e, messages);
              }
            } else if (op < 83) {
              server.expireAll();
            } else if (op < 90) {
              clock.advance(Duration.ofSeconds(r.nextInt(400)));
            } else if (op < 95) {
              synchronized (server) { // minted and held in one step, so token numbers order the logins
                session.signIn(server.login());
              }
            } else {
              session.signOut();
            }
          } catch (IOException e) {
            collect(e, messages);
          }
        }
        return null;
      }));
    }
    go.countDown();
    for (Future<?> w : workers) w.get(60, TimeUnit.SECONDS); // every call ended: nothing hangs
    await().atMost(Duration.ofSeconds(30)).until(() -> session.waitingForRefresh() == 0);
    assertThat(server.peak.get()).as("seed %d: overlapping refresh calls", seed).isLessThanOrEqualTo(1);
    assertThat(server.reusedAfterDelivery).as("seed %d: a refresh token presented after its refresh succeeded", seed)
        .isEmpty();
    for (Map.Entry<String, List<Integer>> e : sentByThread.entrySet()) {
      List<Integer> sent = e.getValue();
      for (int i = 1; i < sent.size(); i++) {
        assertThat(sent.get(i)).as("seed %d: %s sent an older token after a newer one", seed, e.getKey())
            .isGreaterThanOrEqualTo(sent.get(i - 1));
      }
    }
    for (String m : messages) assertThat(m).as("seed %d", seed).doesNotContain("tokA-").doesNotContain("tokR-");
  }

  private static Exchange.Async<Reply> asyncCall(Server server) {
    return new Script.Async(header -> {
      String token = header.substring("Bearer ".length());
      return CompletableFuture.supplyAsync(() -> new Reply(server.liveAccess.contains(token) ? 200 : 401, token), POOL);
    });
  }

  private static void collect(Throwable e, List<String> messages) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t));
      for (Throwable s : t.getSuppressed()) messages.add(String.valueOf(s));
    }
  }
}
