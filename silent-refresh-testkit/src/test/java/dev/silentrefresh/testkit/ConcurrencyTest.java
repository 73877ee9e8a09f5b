package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Concurrency claims, asserted on the server's counters. */
class ConcurrencyTest extends ServerTestBase {

  @Test
  void latencyMakesConcurrentRefreshesOverlap() throws Exception {
    AuthServer s = start(Profile.OAUTH2, b -> b.latency(Endpoint.REFRESH, Duration.ofMillis(400)));
    List<IssuedTokens> families = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      families.add(s.issueTokens("demo"));
    }
    List<HttpResponse<String>> replies = fireTogether(families.size(),
        i -> Wire.refresh(s, families.get(i).refreshToken()));

    assertThat(replies).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
    assertThat(s.counters().peakConcurrentRefreshes()).isGreaterThan(1).isLessThanOrEqualTo(20);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(20);
  }

  @Test
  void twoHundredRefreshesAreHandledAtOnce() throws Exception {
    AuthServer s = start(Profile.CODE_1002, b -> b.latency(Endpoint.REFRESH, Duration.ofSeconds(1)));
    List<IssuedTokens> families = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      families.add(s.issueTokens("demo"));
    }
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (IssuedTokens t : families) {
      replies.add(Wire.HTTP.sendAsync(Wire.refreshRequest(s, t.refreshToken()).build(), BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> r : replies) {
      assertThat(r.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    // the thread pool does not serialise them: most of the 200 waited out their latency together
    assertThat(s.counters().peakConcurrentRefreshes()).isGreaterThan(100);
  }

  @Test
  void concurrentRefreshesWithOneTokenRotateItOnce() throws Exception {
    AuthServer s = start(Profile.CODE_50014, b -> b.reuseDetection(false));
    IssuedTokens tokens = s.issueTokens("demo");
    List<HttpResponse<String>> replies = fireTogether(30, i -> Wire.refresh(s, tokens.refreshToken()));

    long ok = replies.stream().filter(r -> Wire.json(r).path("code").asInt() == 0).count();
    assertThat(ok).isEqualTo(1);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(1);
    assertThat(s.counters().refreshRejected()).isEqualTo(29);
  }

  @Test
  void concurrentReuseRevokesTheFamilyOnce() throws Exception {
    AuthServer s = start(Profile.CODE_401);
    IssuedTokens tokens = s.issueTokens("demo");
    Wire.Tokens next = Wire.refreshTokens(s, tokens.refreshToken());
    fireTogether(20, i -> Wire.refresh(s, tokens.refreshToken()));

    assertThat(s.counters().reuseDetected()).isEqualTo(1); // later ones find the family already revoked
    assertThat(s.counters().familiesRevoked()).isEqualTo(1);
    Wire.assertDead(Profile.CODE_401, Wire.refresh(s, next.refresh()));
  }

  /**
   * With no grace window, of N refreshes presenting one refresh token at once exactly one rotates it and the
   * others are reuse: the family is revoked once, every round. The clock moves on every read, so a decision
   * taken on a time read before the family's lock would see a "rotation in the future" and grant grace.
   */
  @Test
  void withoutGraceExactlyOneOfManyConcurrentRefreshesWithOneTokenSucceeds() throws Exception {
    TickingClock ticking = new TickingClock(clock.instant());
    AuthServer s = start(Profile.CODE_401, b -> b.clock(ticking));
    int threads = 16;
    int rounds = 100;
    for (int round = 0; round < rounds; round++) {
      IssuedTokens tokens = s.issueTokens("demo");
      List<HttpResponse<String>> replies = fireTogether(threads, i -> Wire.refresh(s, tokens.refreshToken()));
      long ok = replies.stream().filter(r -> r.statusCode() == 200).count();
      assertThat(ok).as("round %d: successful refreshes", round).isEqualTo(1);
      assertThat(s.counters().refreshCalls()).as("round %d", round).isEqualTo((round + 1L) * threads);
      assertThat(s.counters().refreshSucceeded()).as("round %d", round).isEqualTo(round + 1L);
      assertThat(s.counters().refreshRejected()).as("round %d", round).isEqualTo((round + 1L) * (threads - 1));
      assertThat(s.counters().reuseDetected()).as("round %d: one reuse detection per family", round)
          .isEqualTo(round + 1L);
      assertThat(s.counters().familiesRevoked()).as("round %d", round).isEqualTo(round + 1L);
    }
  }

  /** Inside the grace window every concurrent presentation of a just-rotated token gets a fresh pair, no reuse. */
  @Test
  void insideTheGraceWindowEveryConcurrentRefreshWithOneTokenSucceeds() throws Exception {
    AuthServer s = start(Profile.OAUTH2, b -> b.grace(Duration.ofSeconds(10)));
    int threads = 16;
    for (int round = 0; round < 10; round++) {
      IssuedTokens tokens = s.issueTokens("demo");
      List<HttpResponse<String>> replies = fireTogether(threads, i -> Wire.refresh(s, tokens.refreshToken()));
      assertThat(replies).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
      assertThat(replies.stream().map(r -> Wire.tokens(Profile.OAUTH2, Endpoint.REFRESH, Wire.json(r)).refresh())
          .distinct().count()).as("every reply has its own refresh token").isEqualTo(threads);
    }
    assertThat(s.counters().refreshSucceeded()).isEqualTo(10L * threads);
    assertThat(s.counters().reuseDetected()).isZero();

    // once the window has passed, the same token is reuse: the family (all its branches) is revoked
    IssuedTokens tokens = s.issueTokens("demo");
    Wire.Tokens next = Wire.refreshTokens(s, tokens.refreshToken());
    clock.advance(Duration.ofSeconds(10));
    Wire.assertDead(Profile.OAUTH2, Wire.refresh(s, tokens.refreshToken()));
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
    Wire.assertDead(Profile.OAUTH2, Wire.refresh(s, next.refresh()));
  }

  /**
   * Rotation is atomic under load: 1,000 refreshes presenting one refresh token over real HTTP at once (no grace
   * window), held together by added latency so that they overlap at the server: exactly one succeeds, the other
   * 999 get the dead-token reply, and the counters agree.
   */
  @Test
  void ofAThousandConcurrentRefreshesWithOneTokenExactlyOneSucceeds() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    s.faults().latency(Endpoint.REFRESH, Duration.ofMillis(500));
    IssuedTokens tokens = s.issueTokens("demo");
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      pending.add(client.sendAsync(Wire.refreshRequest(s, tokens.refreshToken()).timeout(Duration.ofSeconds(120))
          .build(), BodyHandlers.ofString()));
    }
    int ok = 0;
    for (CompletableFuture<HttpResponse<String>> p : pending) {
      HttpResponse<String> r = p.get(180, TimeUnit.SECONDS);
      if (r.statusCode() == 200) {
        ok++;
      } else {
        Wire.assertDead(Profile.OAUTH2, r);
      }
    }
    assertThat(ok).isEqualTo(1);
    Counters c = s.counters();
    assertThat(c.refreshCalls()).isEqualTo(1000);
    assertThat(c.refreshSucceeded()).isEqualTo(1);
    assertThat(c.refreshRejected()).isEqualTo(999);
    assertThat(c.reuseDetected()).as("the first presentation after the rotation is reuse").isEqualTo(1);
    assertThat(c.familiesRevoked()).isEqualTo(1);
    assertThat(c.peakConcurrentRefreshes()).as("they overlapped").isGreaterThan(100);
  }

  interface Call {
    HttpResponse<String> run(int i) throws Exception;
  }

  /** Runs {@code n} calls on {@code n} threads released together by a latch. */
  static List<HttpResponse<String>> fireTogether(int n, Call call) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch ready = new CountDownLatch(n);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        futures.add(pool.submit(() -> {
          ready.countDown();
          go.await();
          return call.run(index);
        }));
      }
      assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
      go.countDown();
      List<HttpResponse<String>> replies = new ArrayList<>();
      for (Future<HttpResponse<String>> f : futures) {
        replies.add(f.get(30, TimeUnit.SECONDS));
      }
      return replies;
    } finally {
      pool.shutdownNow();
    }
  }
}
