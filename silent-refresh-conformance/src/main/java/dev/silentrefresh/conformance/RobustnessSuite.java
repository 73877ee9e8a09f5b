package dev.silentrefresh.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import dev.silentrefresh.testkit.MutableClock;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Promises that hold when things go wrong, for every client adapter and every dialect, over real
 * loopback HTTP against the reference server: no request hangs whatever a listener, transport, store
 * or login handler does; a sign-out or account switch wins over a refresh in flight; a client clock a
 * day off costs nothing; a lost refresh reply ends in one clean outcome; an unwritable store never
 * makes the session present a spent refresh token; processes sharing a token file refresh once per
 * expiry; a backend rejecting every token costs a bounded number of refreshes. Counts are asserted on
 * the server's counters, concurrency with many threads. An adapter's test extends this class and
 * supplies {@link #newClient()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
public abstract class RobustnessSuite {
  /** Bounds every wait for a call; only reached when something hangs. */
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String USER_ID = "9223372036854775807";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BURST = 20;

  private ClientUnderTest client;
  private ExecutorService callers;

  /** A fresh instance of the adapter under test. */
  protected abstract ClientUnderTest newClient();

  @BeforeAll
  void startClient() {
    client = newClient();
    callers = Executors.newCachedThreadPool(daemon("robustness-caller"));
  }

  @AfterAll
  void stopClient() {
    callers.shutdownNow();
    client.close();
  }

  private Fixture fixture(Profile profile, Consumer<AuthServer.Builder> server, Consumer<TokenSession.Builder> session) {
    return new Fixture(client, profile, server, session);
  }

  private Fixture fixture(Profile profile, Consumer<AuthServer.Builder> server, Consumer<TokenSession.Builder> session,
      TokenStore store, UnaryOperator<RefreshTransport> transport) {
    return new Fixture(client, profile, server, session, store, transport);
  }

  // ---- 1. no hang, whatever a listener, transport, store or login handler does ---------------------

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aListenerThrowingAnErrorOnRefreshedStrandsNoRequest(Profile profile) throws Exception {
    SessionListener throwing = new SessionListener() {
      @Override
      public void refreshed(Instant newExpiry, Duration took, boolean adopted) {
        throw new AssertionError("a listener bug");
      }
    };
    try (Fixture f = fixture(profile, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(50)), b -> b.listener(throwing))) {
      signInExpired(f);
      for (CompletableFuture<CallReply> call : burst(f, BURST)) assertUserReply(outcome(call));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.events.refreshed.get()).isEqualTo(1);
      awaitNobodyWaiting(f);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aTransportThrowingNoClassDefFoundErrorOnceFailsThatRefreshAndTheSessionRecovers(Profile profile) throws Exception {
    AtomicBoolean thrown = new AtomicBoolean();
    UnaryOperator<RefreshTransport> brokenOnce = transport -> request -> {
      if (thrown.compareAndSet(false, true)) throw new NoClassDefFoundError("org/example/MissingClass");
      return transport.execute(request);
    };
    try (Fixture f = fixture(profile, s -> {}, b -> {}, TokenStore.inMemory(), brokenOnce)) {
      signInExpired(f);
      int failed = 0;
      for (CompletableFuture<CallReply> call : burst(f, BURST)) {
        Object result = outcome(call);
        if (result instanceof CallReply) {
          assertUserReply(result);
        } else {
          assertThat(cause(result, RefreshFailedException.class).reason())
              .isEqualTo(RefreshFailedException.Reason.TRANSPORT_BROKEN);
          failed++;
        }
      }
      assertThat(failed).as("the first refresh failed, and its waiters with it").isPositive();
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).as("the throwing call never reached the server").isEqualTo(1);
      assertThat(f.server.counters().reuseDetected()).isZero();
      awaitNobodyWaiting(f);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aStoreFailingToReadOnARetriedAttemptFailsTheWaitersInsteadOfStrandingThem(Profile profile) throws Exception {
    AtomicBoolean armed = new AtomicBoolean();
    AtomicInteger readsWhileArmed = new AtomicInteger();
    TokenStore memory = TokenStore.inMemory();
    TokenStore failingOnSecondRead = new DelegatingTokenStore(memory) {
      @Override
      public StoredTokens read() throws IOException {
        if (armed.get() && readsWhileArmed.incrementAndGet() >= 2) throw new IllegalStateException("disk gone");
        return inner.read();
      }
    };
    try (Fixture f = fixture(profile, s -> {}, b -> {}, failingOnSecondRead, UnaryOperator.identity())) {
      signInExpired(f);
      f.server.faults().failNext(Endpoint.REFRESH, Faults.Fault.SERVICE_UNAVAILABLE, 1); // the first attempt fails
      armed.set(true);
      for (CompletableFuture<CallReply> call : burst(f, BURST)) {
        assertThat(cause(outcome(call), RefreshFailedException.class).reason())
            .isEqualTo(RefreshFailedException.Reason.STORE);
      }
      assertThat(f.server.counters().refreshCalls()).as("the retry never got past the store").isEqualTo(1);
      awaitNobodyWaiting(f);
      armed.set(false);
      assertUserReply(f.caller.get(f.me()));
      assertThat(f.server.counters().refreshCalls()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aLoginHandlerThatNeverAnswersIsEndedBySignOut(Profile profile) throws Exception {
    CompletableFuture<Tokens> never = new CompletableFuture<>();
    CountDownLatch loginAsked = new CountDownLatch(1);
    try (Fixture f = fixture(profile, s -> {}, b -> b.loginHandler(reason -> {
      loginAsked.countDown();
      return never;
    }))) {
      signInExpired(f);
      f.server.revokeAllRefreshTokens();
      List<CompletableFuture<CallReply>> calls = burst(f, BURST);
      until(() -> loginAsked.getCount() == 0 && f.session.waitingForRefresh() == BURST);
      assertThat(calls).noneMatch(CompletableFuture::isDone);
      f.session.signOut();
      for (CompletableFuture<CallReply> call : calls) {
        assertThat(cause(outcome(call), LoginRequiredException.class).reason())
            .isEqualTo(LoginRequiredException.Reason.SIGNED_OUT);
      }
      awaitNobodyWaiting(f);
      assertThat(f.events.loginRequired.get()).isEqualTo(1);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.session.isSignedIn()).isFalse();
    }
  }

  // ---- 2. sign-out and account switch win over a refresh in flight ---------------------------------

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aSignOutWhileARefreshIsInFlightWins(Profile profile) throws Exception {
    ExecutorService serial = Executors.newSingleThreadExecutor(daemon("session-executor"));
    HeldRefreshTransport[] held = new HeldRefreshTransport[1];
    try (Fixture f = fixture(profile, s -> {}, b -> b.executor(serial), TokenStore.inMemory(),
        t -> held[0] = new HeldRefreshTransport(t))) {
      signInExpired(f);
      List<CompletableFuture<CallReply>> calls = burst(f, BURST);
      until(() -> held[0].answered() == 1 && f.session.waitingForRefresh() == BURST);
      f.session.signOut(); // the server has rotated; its reply is held back

      for (CompletableFuture<CallReply> call : calls) {
        assertThat(cause(outcome(call), LoginRequiredException.class).reason())
            .isEqualTo(LoginRequiredException.Reason.SIGNED_OUT);
      }
      held[0].release(); // the refresh lands after the sign-out
      drain(serial);
      assertThat(f.session.isSignedIn()).isFalse();
      assertThat(f.store.read().isPresent()).as("the late refresh wrote nothing").isFalse();
      long sent = f.server.counters().apiRequests();
      assertThat(cause(outcome(f.caller.getAsync(f.me())), LoginRequiredException.class)).isNotNull();
      assertThat(f.server.counters().apiRequests()).as("nothing sent without a session").isEqualTo(sent);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      awaitNobodyWaiting(f);
    } finally {
      serial.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void anAccountSwitchWhileUserAsRefreshIsInFlightNeverReplaysAAsB(Profile profile) throws Exception {
    ExecutorService serial = Executors.newSingleThreadExecutor(daemon("session-executor"));
    HeldRefreshTransport[] held = new HeldRefreshTransport[1];
    try (Fixture f = fixture(profile, s -> s.user("alice", "alice-pw").user("bob", "bob-pw"), b -> b.executor(serial),
        TokenStore.inMemory(), t -> held[0] = new HeldRefreshTransport(t))) {
      f.session.signIn(f.server.issueExpiredTokens("alice").toTokensWithoutExpiry());
      List<CompletableFuture<CallReply>> alicesCalls = burst(f, BURST);
      until(() -> held[0].answered() == 1 && f.session.waitingForRefresh() == BURST);
      Tokens bob = f.server.issueTokens("bob").toTokensWithoutExpiry();
      f.session.signIn(bob);

      for (CompletableFuture<CallReply> call : alicesCalls) {
        assertThat(cause(outcome(call), LoginRequiredException.class).reason())
            .isEqualTo(LoginRequiredException.Reason.SIGNED_OUT);
      }
      held[0].release(); // alice's refresh lands after the switch
      drain(serial);
      assertThat(f.store.read().tokens().accessToken()).isEqualTo(bob.accessToken());
      for (CompletableFuture<CallReply> call : burst(f, BURST)) {
        CallReply reply = assertUserReply(outcome(call));
        assertThat(JSON.readTree(reply.body()).findValue("username").asText()).isEqualTo("bob");
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      awaitNobodyWaiting(f);
    } finally {
      serial.shutdownNow();
    }
  }

  // ---- 3. a client clock a day off costs nothing -----------------------------------------------------

  static List<Arguments> profilesAndDaysOff() {
    List<Arguments> args = new ArrayList<>();
    for (Profile p : Profile.values()) for (int days : new int[] {1, -1}) args.add(Arguments.of(p, days));
    return args;
  }

  @ParameterizedTest(name = "{0}, client clock {1} day(s) off")
  @MethodSource("profilesAndDaysOff")
  void aClientClockADayOffTheServersCostsNoExtraRefreshAndNoRejection(Profile profile, int days) throws Exception {
    MutableClock serverClock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    MutableClock sessionClock = new MutableClock(serverClock.instant().plus(Duration.ofDays(days)));
    Duration ttl = Duration.ofSeconds(60);
    Duration refreshAhead = Duration.ofSeconds(10);
    try (Fixture f = fixture(profile, s -> s.clock(serverClock).accessTtl(ttl).refreshTtl(Duration.ofDays(3)),
        b -> b.clock(sessionClock).blockingMargin(Duration.ofSeconds(5)).refreshAhead(refreshAhead))) {
      // As an app holds tokens from a login: expiry unknown but for the JWT's exp (on the server's clock).
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      long quietSeconds = ttl.minus(refreshAhead).toSeconds(); // 50: no refresh is due before
      int seconds = 3 * (int) ttl.toSeconds();
      for (int second = 2; second <= seconds; second += 2) { // a call every 2 s: 90 calls over three lifetimes
        serverClock.advance(Duration.ofSeconds(2));
        sessionClock.advance(Duration.ofSeconds(2));
        assertUserReply(f.caller.get(f.me()));
        // a background refresh lands before the clocks move on, so each one counts from the same second
        until(() -> f.events.refreshed.get() + f.events.refreshFailed.get()
            >= f.server.counters().refreshCalls());
        if (second == quietSeconds - 2) {
          assertThat(f.server.counters().refreshCalls()).as("%s: refreshes before the token neared its expiry", profile)
              .isZero();
        }
      }
      assertThat(f.server.counters().refreshCalls()).as("%s: one proactive refresh per %s s", profile, quietSeconds)
          .isEqualTo(seconds / quietSeconds);
      assertThat(f.server.counters().rejectedRequests()).as("%s: requests rejected", profile).isZero();
      assertThat(f.events.refreshFailed.get()).isZero();
    }
  }

  // ---- 4. a lost refresh reply ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aLostRefreshReplyWithAGraceWindowRecoversWithoutLogin(Profile profile) throws Exception {
    try (Fixture f = fixture(profile, s -> s.grace(Duration.ofSeconds(30)), b -> {})) {
      signInExpired(f);
      f.server.faults().failNext(Endpoint.REFRESH, Faults.Fault.DROP_AFTER_COMMIT, 1);
      for (CompletableFuture<CallReply> call : burst(f, BURST)) assertUserReply(outcome(call));
      assertThat(f.server.counters().reuseDetected()).isZero();
      assertThat(f.server.counters().refreshCalls()).as("the lost one and its retry").isEqualTo(2);
      assertThat(f.events.loginRequired.get()).isZero();
      awaitNobodyWaiting(f);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aLostRefreshReplyWithoutGraceEndsInOneCleanLoginRequired(Profile profile) throws Exception {
    try (Fixture f = fixture(profile, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(20)), b -> {})) {
      signInExpired(f);
      f.server.faults().failNext(Endpoint.REFRESH, Faults.Fault.DROP_AFTER_COMMIT, 1);
      List<CompletableFuture<CallReply>> calls = burst(f, BURST);
      if (profile == Profile.PUT_BEARER) { // its refresh token is never rotated: the retry simply works
        for (CompletableFuture<CallReply> call : calls) assertUserReply(outcome(call));
        assertThat(f.events.loginRequired.get()).isZero();
      } else {
        for (CompletableFuture<CallReply> call : calls) assertThat(cause(outcome(call), LoginRequiredException.class)).isNotNull();
        assertThat(f.events.loginRequired.get()).as("loginRequired events").isEqualTo(1);
        assertThat(f.server.counters().reuseDetected()).isLessThanOrEqualTo(1);
        assertThat(f.store.read().isPresent()).isFalse();
        long sent = f.server.counters().apiRequests();
        assertThat(cause(outcome(f.caller.getAsync(f.me())), LoginRequiredException.class)).isNotNull();
        assertThat(f.server.counters().apiRequests()).isEqualTo(sent);
      }
      assertThat(f.server.counters().refreshCalls()).as("the lost one and its retry").isEqualTo(2);
      awaitNobodyWaiting(f);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aRefreshReplyArrivingAfterTheDeadlineIsKeptAndNoSecondCallSpendsTheOldToken(Profile profile) throws Exception {
    HeldRefreshTransport[] held = new HeldRefreshTransport[1];
    try (Fixture f = fixture(profile, s -> {}, b -> b.refreshDeadline(Duration.ofMillis(300)), TokenStore.inMemory(),
        t -> held[0] = new HeldRefreshTransport(t))) {
      signInExpired(f);
      List<CompletableFuture<CallReply>> calls = burst(f, BURST);
      for (CompletableFuture<CallReply> call : calls) { // the server rotated; its reply is held past the deadline
        assertThat(cause(outcome(call), RefreshFailedException.class).reason())
            .isEqualTo(RefreshFailedException.Reason.TIMEOUT);
      }
      assertThat(cause(outcome(f.caller.getAsync(f.me())), RefreshFailedException.class))
          .as("a call while the first refresh is still pending sends no second one").isNotNull();
      assertThat(held[0].sent()).isEqualTo(1);
      held[0].release(); // the late reply arrives: its tokens are the session now
      until(() -> f.session.waitingForRefresh() == 0 && f.store.read().version() >= 2);
      for (CompletableFuture<CallReply> call : burst(f, BURST)) assertUserReply(outcome(call));
      assertThat(f.server.counters().refreshCalls()).as("the late one only").isEqualTo(1);
      assertThat(f.server.counters().reuseDetected()).isZero();
      assertThat(f.events.loginRequired.get()).isZero();
      awaitNobodyWaiting(f);
    }
  }

  // ---- 5. a store that cannot be written -----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Profile.class)
  void anUnwritableStoreNeverMakesTheSessionPresentASpentRefreshToken(Profile profile) throws Exception {
    AtomicBoolean readOnly = new AtomicBoolean();
    TokenStore memory = TokenStore.inMemory();
    TokenStore unwritable = new DelegatingTokenStore(memory) {
      @Override
      public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
        if (readOnly.get()) throw new AccessDeniedException("/read-only/session.json");
        return inner.replace(expectedVersion, next);
      }
    };
    try (Fixture f = fixture(profile, s -> {}, b -> {}, unwritable, UnaryOperator.identity())) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      long signedInVersion = memory.read().version();
      readOnly.set(true);
      int expiries = 3;
      for (int expiry = 1; expiry <= expiries; expiry++) {
        f.server.expireAccessTokens();
        for (CompletableFuture<CallReply> call : burst(f, BURST)) assertUserReply(outcome(call));
        assertThat(f.server.counters().refreshCalls()).isEqualTo(expiry);
      }
      assertThat(f.server.counters().reuseDetected()).as("spent refresh tokens presented").isZero();
      assertThat(memory.read().version()).as("nothing could be written").isEqualTo(signedInVersion);

      // Once the store takes writes again, it gets the session's newest tokens: another session on it works.
      readOnly.set(false);
      until(() -> memory.read().version() > signedInVersion);
      TokenSession reader = TokenSession.builder(f.server.dialect(), client.transport()).store(memory).build();
      f.server.expireAccessTokens();
      assertUserReply(client.caller(reader).get(f.me()));
      assertThat(f.server.counters().reuseDetected()).isZero();
    }
  }

  // ---- 6. one token file shared by sessions and processes -------------------------------------------------

  /** A JVM start per run: a rotating dialect with status signals and one with body signals keep it quick. */
  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"OAUTH2", "CODE_50014"})
  void twoProcessesSharingATokenFileRefreshOncePerExpiry(Profile profile, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("session.json");
    try (Fixture f = fixture(profile, s -> {}, b -> {}, TokenStore.file(file), UnaryOperator.identity())) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      try (SharedStoreWorkerProcess other = SharedStoreWorkerProcess.start(f.server, file, Duration.ofSeconds(120), WAIT)) {
        int expiries = 3;
        for (int expiry = 1; expiry <= expiries; expiry++) {
          f.server.expireAccessTokens();
          other.startBurst(BURST);
          for (CompletableFuture<CallReply> call : burst(f, BURST)) assertUserReply(outcome(call));
          SharedStoreWorkerProcess.BurstOutcome theirs = other.awaitBurst(WAIT);
          assertThat(theirs.failed).as("the other process's calls: %s; its stderr: %s", theirs, other.errorsSoFar()).isZero();
          assertThat(theirs.ok).isEqualTo(BURST);
          assertThat(f.server.counters().refreshCalls()).as("refreshes after expiry %s", expiry).isEqualTo(expiry);
        }
      }
      assertThat(f.server.counters().reuseDetected()).isZero();
      assertThat(f.server.counters().peakConcurrentRefreshes()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void twoSessionsInOneProcessSharingATokenFileRefreshOncePerExpiry(Profile profile, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("session.json");
    try (Fixture f = fixture(profile, s -> {}, b -> {}, TokenStore.file(file), UnaryOperator.identity())) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      TokenSession second = TokenSession.builder(f.server.dialect(), client.transport()).store(TokenStore.file(file))
          .retry(2, Duration.ofMillis(10), Duration.ofMillis(50)).refreshTimeout(Duration.ofSeconds(5)).build();
      Caller secondCaller = client.caller(second);
      int expiries = 3;
      for (int expiry = 1; expiry <= expiries; expiry++) {
        f.server.expireAccessTokens();
        List<CompletableFuture<CallReply>> calls = new ArrayList<>(burst(f, BURST));
        calls.addAll(burst(secondCaller, f, BURST));
        for (CompletableFuture<CallReply> call : calls) assertUserReply(outcome(call));
        assertThat(f.server.counters().refreshCalls()).as("refreshes after expiry %s", expiry).isEqualTo(expiry);
      }
      assertThat(f.server.counters().reuseDetected()).isZero();
      assertThat(f.server.counters().peakConcurrentRefreshes()).isEqualTo(1);
    }
  }

  // ---- 7. a backend rejecting every token -----------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aBurstOf100AgainstABackendRejectingEveryTokenCostsAtMostTwoRefreshes(Profile profile) throws Exception {
    rejectEverything(profile, 100, false);
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = "OAUTH2")
  void aBurstOf1000AgainstABackendRejectingEveryTokenCostsAtMostTwoRefreshes(Profile profile) throws Exception {
    rejectEverything(profile, 1000, true);
  }

  private void rejectEverything(Profile profile, int requests, boolean async) throws Exception {
    MutableClock sessionClock = new MutableClock(); // backoffs pass only when the test says so
    try (Fixture f = fixture(profile, s -> {}, b -> b.clock(sessionClock).retry(3, Duration.ofSeconds(1), Duration.ofSeconds(8)))) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      f.server.faults().failAlways(Endpoint.API, Faults.Fault.REJECT_TOKENS);
      List<CompletableFuture<CallReply>> calls = new ArrayList<>();
      if (async) {
        for (int i = 0; i < requests; i++) calls.add(f.caller.getAsync(f.me()));
      } else {
        calls = burst(f, requests);
      }
      for (CompletableFuture<CallReply> call : calls) assertRejectedReply(outcome(call));
      assertThat(f.server.counters().refreshCalls()).as("refreshes for a burst of %s", requests).isLessThanOrEqualTo(2);
      long afterBurst = f.server.counters().refreshCalls();
      for (int i = 0; i < 20; i++) assertRejectedReply(outcome(f.caller.getAsync(f.me())));
      assertThat(f.server.counters().refreshCalls()).as("refreshes of sequential calls within the backoff")
          .isEqualTo(afterBurst);
      assertThat(f.store.read().isPresent()).as("rejections are not a logout").isTrue();
      awaitNobodyWaiting(f);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------

  /** Signs the session in with a token the server already considers expired, its expiry unknown to the client. */
  private static Tokens signInExpired(Fixture f) throws IOException {
    Tokens t = f.server.issueExpiredTokens(f.server.username()).toTokensWithoutExpiry();
    f.session.signIn(t);
    return t;
  }

  /** {@code n} calls through the fixture's caller, released at once from as many threads. */
  private List<CompletableFuture<CallReply>> burst(Fixture f, int n) {
    return burst(f.caller, f, n);
  }

  private List<CompletableFuture<CallReply>> burst(Caller caller, Fixture f, int n) {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<CallReply>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CompletableFuture<CallReply> call = new CompletableFuture<>();
      callers.execute(() -> {
        try {
          go.await();
          call.complete(caller.get(f.me()));
        } catch (Throwable t) {
          call.completeExceptionally(t);
        }
      });
      calls.add(call);
    }
    go.countDown();
    return calls;
  }

  /** The reply, or the failure (unwrapped from the future's wrappers) of a call; fails the test if it hangs. */
  private static Object outcome(CompletableFuture<CallReply> call) throws InterruptedException {
    try {
      return call.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable t = e.getCause();
      while (t instanceof CompletionException && t.getCause() != null) t = t.getCause();
      return t;
    } catch (TimeoutException e) {
      return fail("a call did not end within %s (it hangs)", WAIT);
    }
  }

  /** The failure of type {@code type} the call ended with (itself or in its causes, as clients wrap it). */
  private static <T extends Throwable> T cause(Object outcome, Class<T> type) {
    assertThat(outcome).as("the call's outcome").isInstanceOf(Throwable.class);
    for (Throwable t = (Throwable) outcome; t != null; t = t.getCause()) {
      if (type.isInstance(t)) return type.cast(t);
    }
    throw new AssertionError("expected a " + type.getSimpleName() + ", got " + outcome, (Throwable) outcome);
  }

  private static CallReply assertUserReply(Object outcome) {
    if (outcome instanceof Throwable) throw new AssertionError("the call failed: " + outcome, (Throwable) outcome);
    CallReply reply = (CallReply) outcome;
    assertThat(reply.status()).as("status of %s", reply).isEqualTo(200);
    assertThat(reply.body()).contains(USER_ID);
    return reply;
  }

  /** A reply handed back as the backend sent it (a rejection), not a failure and not the protected content. */
  private static void assertRejectedReply(Object outcome) {
    if (outcome instanceof Throwable) throw new AssertionError("the call failed: " + outcome, (Throwable) outcome);
    assertThat(((CallReply) outcome).body()).doesNotContain(USER_ID);
  }

  /** Waits (bounded by {@link #WAIT}) until {@code condition} holds; returns at once when it already does. */
  private static void until(Callable<Boolean> condition) throws Exception {
    if (condition.call()) return;
    await().atMost(WAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).until(condition);
  }

  private static void awaitNobodyWaiting(Fixture f) throws Exception {
    until(() -> f.session.waitingForRefresh() == 0);
  }

  /** Waits until everything submitted to the single-threaded session executor so far has run. */
  private static void drain(ExecutorService serial) throws Exception {
    serial.submit(() -> {}).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
