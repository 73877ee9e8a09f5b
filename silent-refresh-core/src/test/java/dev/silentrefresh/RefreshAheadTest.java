package dev.silentrefresh;

import static dev.silentrefresh.Script.API;
import static dev.silentrefresh.Script.DIALECT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.Script.TestClock;
import dev.silentrefresh.Script.Transport;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.SessionCalls;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When a background refresh starts: the configured window (default 60 s) within a fifth of the lifetime, widened to
 * the blocking margin plus the time a refresh takes, within half the lifetime; lifetimes counted from when the refresh
 * request was sent, to the millisecond. Every step runs on the test's thread (a direct executor) on a clock the test
 * moves: nothing here waits or depends on real time.
 */
class RefreshAheadTest {
  private final TestClock clock = new TestClock();
  private final Transport transport = new Transport();
  private final Api api = new Api();
  private final List<Instant> refreshedExpiries = new CopyOnWriteArrayList<>();

  private TokenSession session() {
    return TokenSession.builder(DIALECT, transport).clock(clock).scope(API).executor(Runnable::run)
        .listener(new SessionListener() {
          @Override
          public void refreshed(Instant newExpiry, Duration took, boolean adopted) {
            refreshedExpiries.add(newExpiry);
          }
        })
        .build();
  }

  private String call(TokenSession s) throws Exception {
    return SessionCalls.of(s).execute(API, api.blocking()).sentWith;
  }

  @Test
  void twoSecondTokensInSteadyTrafficCostAtMost1Point3RefreshesPerLifetimeAndNoRejection() throws Exception {
    Map<String, Instant> serverExpiry = new ConcurrentHashMap<>();
    transport.answer = refresh -> {
      clock.advance(Duration.ofMillis(10)); // the request on its way
      int n = transport.next.incrementAndGet();
      serverExpiry.put("A" + n, clock.instant().plusSeconds(2)); // issued on arrival, living 2 s
      clock.advance(Duration.ofMillis(10)); // the reply on its way
      return CompletableFuture.completedFuture(Script.json(200,
          "{\"access_token\":\"A" + n + "\",\"refresh_token\":\"R" + n + "\",\"expires_in\":2}"));
    };
    AtomicInteger rejected = new AtomicInteger();
    api.accepts = token -> {
      boolean valid = clock.instant().isBefore(serverExpiry.get(token));
      if (!valid) rejected.incrementAndGet();
      return valid;
    };
    TokenSession s = session();
    serverExpiry.put("A1", clock.instant().plusSeconds(2));
    s.signIn(Script.tokens(1, clock.instant().plusSeconds(2)));

    int lifetimes = 30;
    for (int step = 0; step < lifetimes * 2000 / 5; step++) { // a request every 5 ms for 60 s
      clock.advance(Duration.ofMillis(5));
      call(s);
    }
    assertThat(rejected.get()).as("requests rejected").isZero();
    assertThat(api.sent.stream().distinct().count()).isEqualTo(transport.calls() + 1L);
    // each token is refreshed 0.4 s before its expiry (a fifth of 2 s; the margin, 0.2 s, plus 0.1 s is less)
    assertThat((double) transport.calls() / lifetimes).isBetween(1.0, 1.3);
  }

  @Test
  void aShortLifetimeIsRefreshedAFifthAheadOfItsExpiry() throws Exception {
    TokenSession s = session();
    s.signIn(Script.tokens(1, clock.instant().plusSeconds(2)));
    clock.advance(Duration.ofMillis(1599));
    assertThat(call(s)).isEqualTo("A1");
    assertThat(transport.calls()).as("0.401 s left: outside the window").isZero();
    clock.advance(Duration.ofMillis(1));
    assertThat(call(s)).as("sent with the current token; the refresh runs beside it").isEqualTo("A1");
    assertThat(transport.calls()).as("0.4 s left: a fifth of the lifetime").isEqualTo(1);
    assertThat(call(s)).isEqualTo("A2");
  }

  @Test
  void aLongLifetimeKeepsTheConfiguredWindow() throws Exception {
    TokenSession s = session();
    s.signIn(Script.tokens(1, clock.instant().plus(Duration.ofHours(1))));
    clock.advance(Duration.ofHours(1).minusSeconds(60).minusMillis(1));
    call(s);
    assertThat(transport.calls()).isZero();
    clock.advance(Duration.ofMillis(1));
    call(s);
    assertThat(transport.calls()).as("60 s left: the default refreshAhead").isEqualTo(1);
  }

  @Test
  void slowRefreshCallsStartTheBackgroundRefreshEarlierWithinHalfTheLifetime() throws Exception {
    TokenSession s = session();
    Engine engine = (Engine) SessionCalls.of(s);
    s.signIn(Script.tokens(1, clock.instant().plusSeconds(20))); // margin 2 s, a fifth 4 s
    for (int i = 0; i < 128; i++) engine.recordRefreshLatency(Duration.ofSeconds(3));
    clock.advance(Duration.ofMillis(11_999)); // 8.001 s left
    call(s);
    assertThat(transport.calls()).isZero();
    clock.advance(Duration.ofMillis(1)); // 8 s left: the 2 s margin plus twice the 3 s a refresh takes
    call(s);
    assertThat(transport.calls()).isEqualTo(1);

    TokenSession slower = session();
    Engine slowerEngine = (Engine) SessionCalls.of(slower);
    slower.signIn(Script.tokens(1, clock.instant().plusSeconds(20)));
    for (int i = 0; i < 128; i++) slowerEngine.recordRefreshLatency(Duration.ofSeconds(30));
    clock.advance(Duration.ofMillis(9_999)); // 10.001 s left
    call(slower);
    assertThat(transport.calls()).as("never earlier than half the lifetime").isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    call(slower);
    assertThat(transport.calls()).isEqualTo(2);
  }

  @Test
  void aRefreshedLifetimeCountsFromWhenTheRequestWasSentAndKeepsItsFraction() throws Exception {
    transport.answer = refresh -> {
      clock.advance(Duration.ofMillis(300)); // a slow round trip
      return CompletableFuture.completedFuture(Script.json(200,
          "{\"access_token\":\"A2\",\"refresh_token\":\"R2\",\"expires_in\":1.5}"));
    };
    TokenSession s = session();
    s.signIn(Script.tokens(1, clock.instant().plusSeconds(20)));
    clock.advance(Duration.ofSeconds(19)); // inside the blocking margin: the request waits for the refresh
    Instant sent = clock.instant();
    assertThat(call(s)).isEqualTo("A2");
    assertThat(refreshedExpiries).containsExactly(sent.plusMillis(1500));
  }

  @Test
  void aJwtsFractionalExpiryIsKept() throws Exception {
    String jwt = Script.jwt("{\"iat\":1700000000.25,\"exp\":1700000002.75}");
    transport.answer = refresh -> CompletableFuture.completedFuture(Script.json(200,
        "{\"access_token\":\"" + jwt + "\",\"refresh_token\":\"R2\"}"));
    TokenSession s = session();
    s.signIn(Script.tokens(1, clock.instant().plusSeconds(20)));
    clock.advance(Duration.ofSeconds(19));
    Instant sent = clock.instant();
    call(s);
    assertThat(refreshedExpiries).containsExactly(sent.plusMillis(2500));
  }
}
