package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.SessionCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import dev.silentrefresh.testkit.MutableClock;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The behaviour every client adapter must have, for every dialect, over real loopback HTTP against
 * the reference server. An adapter's test extends this class and supplies {@link #newClient()}.
 * Every claim is asserted on the server's counters.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class ConformanceSuite extends ClientSuite {
  private static final String BIG_ID = "9223372036854775807";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HERD = 200;

  protected Fixture fixture(Profile profile) {
    return fixture(profile, s -> {}, b -> {});
  }

  protected Fixture fixture(Profile profile, Consumer<AuthServer.Builder> server, Consumer<TokenSession.Builder> session) {
    return new Fixture(client(), profile, server, session);
  }

  /** Signs the session in with a token the server already considers expired, its expiry unknown to the client. */
  private static Tokens signInExpired(Fixture f) throws IOException {
    Tokens t = f.server.issueExpiredTokens(f.server.username()).toTokensWithoutExpiry();
    f.session.signIn(t);
    return t;
  }

  private static void assertUserReply(CallReply reply) {
    assertThat(reply.status()).as("status of %s", reply).isEqualTo(200);
    assertThat(reply.body()).contains(BIG_ID);
  }

  // ---- the scenarios ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Profile.class)
  void expiredTokenIsRefreshedAndTheRequestReplayed(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      Tokens old = signInExpired(f);
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().rejectedRequests()).isEqualTo(1);
      assertThat(f.server.counters().apiRequests()).isEqualTo(2);
      assertThat(f.store.read().tokens().accessToken()).isNotEqualTo(old.accessToken());
      assertThat(f.events.refreshed.get()).isEqualTo(1);
      assertThat(f.events.replays.get()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void herdOf200BlockingCallersSharesOneRefresh(Profile profile) throws Exception {
    try (Fixture f = fixture(profile, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(100)), b -> {})) {
      signInExpired(f);
      ExecutorService pool = Executors.newFixedThreadPool(HERD);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CallReply>> replies = new ArrayList<>();
        for (int i = 0; i < HERD; i++) {
          replies.add(pool.submit(() -> {
            start.await();
            return f.caller.get(f.me());
          }));
        }
        start.countDown();
        for (Future<CallReply> r : replies) assertUserReply(r.get(30, TimeUnit.SECONDS));
      } finally {
        pool.shutdownNow();
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().peakConcurrentRefreshes()).isEqualTo(1);
      assertThat(f.server.counters().apiSucceeded()).isEqualTo(HERD);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void herdOf200AsyncCallersSharesOneRefresh(Profile profile) throws Exception {
    try (Fixture f = fixture(profile, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(100)), b -> {})) {
      signInExpired(f);
      List<CompletableFuture<CallReply>> replies = new ArrayList<>();
      for (int i = 0; i < HERD; i++) replies.add(f.caller.getAsync(f.me()));
      for (CompletableFuture<CallReply> r : replies) assertUserReply(r.get(30, TimeUnit.SECONDS));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().peakConcurrentRefreshes()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aLateRejectionOfAReplacedTokenTriggersNoSecondRefresh(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      Tokens old = signInExpired(f);
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      // A reply rejecting the old token arrives after the refresh (as from a request sent before it).
      Tokens replayWith = SessionCalls.of(f.session).refreshAfterRejection(old).get(5, TimeUnit.SECONDS);
      assertThat(replayWith.accessToken()).isNotEqualTo(old.accessToken());
      assertThat(replayWith).isEqualTo(f.store.read().tokens());
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aReplayWithAnotherRequestsTokenThatIsAlsoRefusedGetsOneRefreshAndALastReplay(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      Tokens first = f.server.issueTokens(f.server.username()).toTokensWithoutExpiry();
      f.session.signIn(first);
      f.server.faults().delay(Duration.ofSeconds(1)).failNext(Endpoint.API, Faults.Fault.DELAY, 1);
      CompletableFuture<CallReply> reply = f.caller.getAsync(f.me()); // sent with the first token, held 1 s
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().apiRequests() == 1);
      f.server.expireAccessTokens();
      Tokens second = SessionCalls.of(f.session).refreshAfterRejection(first).get(5, TimeUnit.SECONDS); // another request's refresh
      f.server.expireAccessTokens(); // ... whose token dies too, before the held request's rejection arrives
      assertUserReply(reply.get(10, TimeUnit.SECONDS));
      assertThat(second.accessToken()).isNotEqualTo(first.accessToken());
      assertThat(f.server.counters().refreshCalls()).isEqualTo(2);
      assertThat(f.server.counters().apiRequests()).as("sent, replayed with the second token, replayed after a refresh").isEqualTo(3);
      assertThat(f.events.replays.get()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aDeadRefreshTokenFailsEveryWaiterAndEndsTheSessionOnce(Profile profile) throws Exception {
    try (Fixture f = fixture(profile, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(50)), b -> {})) {
      signInExpired(f);
      f.server.revokeAllRefreshTokens();
      List<CompletableFuture<CallReply>> replies = new ArrayList<>();
      for (int i = 0; i < 20; i++) replies.add(f.caller.getAsync(f.me()));
      java.util.Set<Throwable> distinct = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
      for (CompletableFuture<CallReply> r : replies) {
        Throwable error = catchThrowable(() -> r.get(30, TimeUnit.SECONDS));
        assertThat(error).isInstanceOf(ExecutionException.class);
        assertThat(error.getCause()).isInstanceOf(LoginRequiredException.class);
        distinct.add(error.getCause());
      }
      assertThat(distinct).as("each caller gets its own exception").hasSize(20);
      assertThat(f.store.read().isPresent()).isFalse();
      assertThat(f.events.loginRequired.get()).isEqualTo(1);
      assertThat(f.events.loginReasons).containsExactly(LoginRequiredException.Reason.REFRESH_REJECTED);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().refreshRejected()).isEqualTo(1);
      // Afterwards: no session, nothing sent.
      long sent = f.server.counters().apiRequests();
      assertThatThrownBy(() -> f.caller.get(f.me())).isInstanceOf(LoginRequiredException.class);
      assertThat(f.server.counters().apiRequests()).isEqualTo(sent);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aLoginHandlerSignsInAgainAndTheWaitersComplete(Profile profile) throws Exception {
    AuthServer[] server = new AuthServer[1];
    try (Fixture f = fixture(profile, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(50)),
        b -> b.loginHandler(reason -> CompletableFuture.supplyAsync(
            () -> server[0].issueTokens(server[0].username()).toTokensWithoutExpiry())))) {
      server[0] = f.server;
      signInExpired(f);
      f.server.revokeAllRefreshTokens();
      List<CompletableFuture<CallReply>> replies = new ArrayList<>();
      for (int i = 0; i < 20; i++) replies.add(f.caller.getAsync(f.me()));
      for (CompletableFuture<CallReply> r : replies) assertUserReply(r.get(30, TimeUnit.SECONDS));
      assertThat(f.events.loginRequired.get()).isEqualTo(1);
      assertThat(f.events.relogins.get()).isEqualTo(1);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.store.read().isPresent()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void withoutASessionNothingIsSent(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      Throwable error = catchThrowable(() -> f.caller.get(f.me()));
      assertThat(error).isInstanceOf(LoginRequiredException.class);
      assertThat(((LoginRequiredException) error).reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION);
      assertThat(f.server.counters().apiRequests()).isZero();
      assertThat(f.server.counters().refreshCalls()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aServerThatRejectsEvenFreshTokensGetsBoundedReplaysAndNoLoop(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      f.server.faults().failAlways(Endpoint.API, Faults.Fault.REJECT_TOKENS);
      CallReply reply = f.caller.get(f.me());
      assertThat(reply.body()).doesNotContain(BIG_ID);
      assertThat(f.server.counters().apiRequests()).as("sent, then replayed twice with newer tokens").isEqualTo(3);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(2);
      assertThat(f.events.replays.get()).isEqualTo(2);
      assertThat(f.store.read().isPresent()).as("a rejection is not a logout").isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aFreshTokenRevokedBeforeItsReplayGetsOneMoreRefresh(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      Tokens first = f.server.issueExpiredTokens(f.server.username()).toTokensWithoutExpiry();
      f.session.signIn(first);
      f.server.faults().failNext(Endpoint.API, Faults.Fault.REJECT_TOKENS, 2); // the refreshed token is refused once too
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(2);
      assertThat(f.server.counters().apiRequests()).isEqualTo(3);
    }
  }

  static List<Arguments> transientFaults() {
    List<Arguments> args = new ArrayList<>();
    Faults.Fault[] faults = {Faults.Fault.SERVER_ERROR, Faults.Fault.SERVICE_UNAVAILABLE, Faults.Fault.HTML_ERROR_PAGE,
        Faults.Fault.MALFORMED_JSON, Faults.Fault.TRUNCATED_JSON, Faults.Fault.WRONG_TYPES,
        Faults.Fault.MISSING_FIELDS, Faults.Fault.HUGE_BODY, Faults.Fault.NOT_JSON, Faults.Fault.DELAY};
    for (Profile p : Profile.values()) for (Faults.Fault fault : faults) args.add(Arguments.of(p, fault));
    return args;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("transientFaults")
  void aTransientRefreshFailureKeepsTheSessionAndTheNextCallWorks(Profile profile, Faults.Fault fault) throws Exception {
    // An explicit deadline far past both tries: the flight then ends only when the second call has ended
    // (the default, refreshTimeout x 2 + maxBackoff = 820 ms here, is exactly two timeouts long, so on a
    // busy machine it may end the flight before the second call is sent, and one call is then correct).
    try (Fixture f = fixture(profile, s -> {}, b -> b.refreshTimeout(Duration.ofMillis(400))
        .retry(2, Duration.ofMillis(10), Duration.ofMillis(20)).refreshDeadline(Duration.ofSeconds(30)))) {
      f.server.faults().delay(Duration.ofSeconds(20)); // longer than the test: a late rotation cannot interfere
      Tokens old = signInExpired(f);
      StoredTokens before = f.store.read();
      f.server.faults().failAlways(Endpoint.REFRESH, fault);
      Throwable error = catchThrowable(() -> f.caller.get(f.me()));
      assertThat(error).isInstanceOf(RefreshFailedException.class);
      assertThat(error.getMessage()).isNotBlank()
          .doesNotContain(old.accessToken()).doesNotContain(old.refreshToken());
      // Both calls were sent before the failure, but a call the client gave up on (DELAY) may reach the server
      // only after the caller's failure: wait for it, then no more may come.
      await().atMost(20, TimeUnit.SECONDS).until(() -> f.server.counters().refreshCalls() >= 2);
      assertThat(f.server.counters().refreshCalls()).as("bounded retries").isEqualTo(2);
      assertThat(f.store.read().version()).as("session kept as it was").isEqualTo(before.version());
      assertThat(f.events.loginRequired.get()).isZero();

      f.server.faults().clear();
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).as("one more refresh, none left over").isEqualTo(3);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aSingleTransientFailureIsRetriedTransparently(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      signInExpired(f);
      f.server.faults().failNext(Endpoint.REFRESH, Faults.Fault.SERVICE_UNAVAILABLE, 1);
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(2);
      assertThat(f.events.refreshFailed.get()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void proactiveRefreshKeepsSteadyTrafficFreeOfRejections(Profile profile) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    Duration ttl = Duration.ofSeconds(10);
    try (Fixture f = fixture(profile, s -> s.clock(clock).accessTtl(ttl).refreshTtl(Duration.ofHours(1)),
        b -> b.clock(clock))) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokens(clock.instant()));
      int lifetimes = 5;
      for (int second = 0; second < lifetimes * ttl.getSeconds(); second++) {
        clock.advance(Duration.ofSeconds(1));
        assertUserReply(f.caller.get(f.me()));
      }
      assertThat(f.server.counters().rejectedRequests()).isZero();
      assertThat(f.server.counters().refreshCalls()).isBetween((long) lifetimes - 1, (long) lifetimes * 3);
      assertThat(f.server.counters().peakConcurrentRefreshes()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aFailedBackgroundRefreshIsNotRetriedByEveryRequest(Profile profile) throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-03-01T00:00:00Z"));
    Duration ttl = Duration.ofSeconds(40);
    try (Fixture f = fixture(profile, s -> s.clock(clock).accessTtl(ttl), b -> b.clock(clock)
        .retry(2, Duration.ofMillis(1), Duration.ofSeconds(2)))) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokens(clock.instant()));
      f.server.faults().failAlways(Endpoint.REFRESH, Faults.Fault.SERVICE_UNAVAILABLE);
      clock.advance(Duration.ofSeconds(33)); // 7 s left: inside the refresh-ahead window (8 s, a fifth), outside the
                                             // blocking margin (4 s, a tenth)
      assertUserReply(f.caller.get(f.me())); // starts one background refresh, which fails twice
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.events.refreshFailed.get() == 2);
      for (int i = 0; i < 30; i++) assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).as("no new background refresh while paused").isEqualTo(2);
      clock.advance(Duration.ofSeconds(2)); // the pause (maxBackoff) is over: the next request tries again
      assertUserReply(f.caller.get(f.me()));
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshCalls() == 4);
      assertThat(f.server.counters().rejectedRequests()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void requestsOutsideTheScopeCarryNoToken(Profile profile) throws Exception {
    Map<String, Map<String, List<String>>> seen = new ConcurrentHashMap<>();
    HttpServer foreign = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    foreign.createContext("/", exchange -> {
      seen.put(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()));
      byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    foreign.start();
    try (Fixture f = fixture(profile)) {
      URI elsewhere = URI.create("http://127.0.0.1:" + foreign.getAddress().getPort() + "/elsewhere");
      // Without a session, a foreign request still goes out (the session is not involved).
      assertThat(f.caller.get(elsewhere).status()).isEqualTo(200);
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      assertThat(f.caller.get(elsewhere).status()).isEqualTo(200);
      assertUserReply(f.caller.get(f.me()));
      String tokenHeader = f.session.dialect().tokenHeader();
      assertThat(seen.get("/elsewhere")).isNotNull();
      assertThat(seen.get("/elsewhere").keySet()).noneMatch(h -> h.equalsIgnoreCase(tokenHeader));
      assertThat(SessionCalls.of(f.session).inScope(elsewhere)).isFalse();
    } finally {
      foreign.stop(0);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void theBigIdArrivesExact(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      signInExpired(f);
      CallReply reply = f.caller.get(f.me());
      JsonNode id = JSON.readTree(reply.body()).findValue("id");
      assertThat(id.isIntegralNumber()).isTrue();
      assertThat(id.bigIntegerValue()).isEqualTo(new BigInteger(BIG_ID));
      assertThat(id.asLong()).isEqualTo(Long.MAX_VALUE);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aRequestBodyIsReplayedIntact(Profile profile) throws Exception {
    try (Fixture f = fixture(profile)) {
      signInExpired(f);
      byte[] body = "{\"order\":42,\"note\":\"ünïcödé\"}".getBytes(StandardCharsets.UTF_8);
      CallReply reply = f.caller.send("POST", f.echo(), "application/json", body);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.bytes()).isEqualTo(body);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().apiRequests()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aLargeJsonReplyReachesTheCallerIntact(Profile profile) throws Exception {
    try (Fixture f = fixture(profile, s -> {}, b -> b.maxBodyPeekBytes(1024))) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      StringBuilder sb = new StringBuilder("{\"items\":[");
      for (int i = 0; i < 5_000; i++) sb.append(i == 0 ? "" : ",").append(i);
      byte[] body = sb.append("],\"code\":0}").toString().getBytes(StandardCharsets.UTF_8);
      assertThat(body.length).isGreaterThan(SessionCalls.of(f.session).maxBodyPeekBytes());
      CallReply reply = f.caller.send("POST", f.echo(), "application/json", body);
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.bytes()).isEqualTo(body);
    }
  }

  // ---- dialect-specific behaviour, checked through every client -----------------------------------

  @Test
  void aSessionEndedReplyEndsTheSessionWithoutARefresh() throws Exception {
    // code-50014 backends answer 50008 ("illegal token") for a token they will never accept.
    try (Fixture f = fixture(Profile.CODE_50014)) {
      f.session.signIn(Tokens.of("not-a-jwt-the-server-signed", "some-refresh-token"));
      Throwable error = catchThrowable(() -> f.caller.get(f.me()));
      assertThat(error).isInstanceOf(LoginRequiredException.class);
      assertThat(((LoginRequiredException) error).reason()).isEqualTo(LoginRequiredException.Reason.SESSION_ENDED);
      assertThat(f.server.counters().refreshCalls()).isZero();
      assertThat(f.store.read().isPresent()).isFalse();
      assertThat(f.events.loginRequired.get()).isEqualTo(1);
    }
  }
}
