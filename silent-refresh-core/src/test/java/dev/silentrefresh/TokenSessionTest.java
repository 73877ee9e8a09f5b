package dev.silentrefresh;

import static dev.silentrefresh.Script.API;
import static dev.silentrefresh.Script.DIALECT;
import static dev.silentrefresh.Script.json;
import static dev.silentrefresh.Script.tokens;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.Script.Reply;
import dev.silentrefresh.Script.TestClock;
import dev.silentrefresh.Script.Transport;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's promises, each staged deterministically with a scripted refresh endpoint, API, store
 * and clock: no hang whatever is thrown, sign-out and account switch win over a refresh, skewed clocks
 * cost nothing, lost and late replies, unwritable stores, bursts, cancellation, reasons and secrets.
 */
class TokenSessionTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private final TestClock clock = new TestClock();
  private final Transport transport = new Transport();
  private final Api api = new Api();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private TokenSession.Builder builder() {
    return TokenSession.builder(DIALECT, transport).clock(clock).scope(API)
        .retry(3, Duration.ofMillis(1), Duration.ofMillis(5));
  }

  private static SessionCalls calls(TokenSession s) {
    return SessionCalls.of(s);
  }

  /** Signs in with tokens the API has stopped accepting, so the next request needs a refresh. */
  private TokenSession signedInExpired(TokenSession s) throws IOException {
    s.signIn(tokens(1, null));
    api.accepts = token -> !token.equals("A1");
    return s;
  }

  private Reply call(TokenSession s) throws IOException {
    return calls(s).execute(API, api.blocking());
  }

  private Future<Reply> callLater(TokenSession s) {
    return pool.submit(() -> call(s));
  }

  private static Throwable rootOf(Future<?> f) {
    Throwable t = catchThrowable(() -> f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
    return t == null ? null : t.getCause();
  }

  // ---- 1. never hangs ---------------------------------------------------------------------------

  @Test
  void aListenerThrowingAnErrorNeverStrandsRequests() throws Exception {
    TokenSession s = signedInExpired(builder().listener(new SessionListener() {
      @Override
      public void refreshed(Instant newExpiry, Duration took, boolean adopted) {
        throw new AssertionError("listener bug");
      }
    }).build());
    assertThat(call(s).status).isEqualTo(200);
    assertThat(s.waitingForRefresh()).isZero();
  }

  @Test
  void aTransportThrowingALinkageErrorFailsTheRefreshOnceAndTheSessionRecovers() throws Exception {
    AtomicInteger thrown = new AtomicInteger();
    TokenSession s = signedInExpired(TokenSession.builder(DIALECT, request -> {
      if (thrown.getAndIncrement() == 0) throw new NoClassDefFoundError("org/springframework/Missing");
      return transport.execute(request);
    }).clock(clock).scope(API).build());
    Throwable first = catchThrowable(() -> call(s));
    assertThat(first).isInstanceOf(RefreshFailedException.class);
    assertThat(((RefreshFailedException) first).reason()).isEqualTo(RefreshFailedException.Reason.TRANSPORT_BROKEN);
    assertThat(s.waitingForRefresh()).isZero();
    assertThat(call(s).status).isEqualTo(200);
    assertThat(transport.presented).containsExactly("R1");
  }

  @Test
  void aLinkageErrorFromTheTransportsFutureIsNotRetriedSoNoRefreshTokenIsBurnt() throws Exception {
    transport.answer = refresh -> {
      CompletableFuture<RefreshReply> f = new CompletableFuture<>();
      f.completeExceptionally(new IncompatibleClassChangeError("Spring 7 on a Spring 6 adapter"));
      return f;
    };
    TokenSession s = signedInExpired(builder().build());
    Throwable error = catchThrowable(() -> call(s));
    assertThat(((RefreshFailedException) error).reason()).isEqualTo(RefreshFailedException.Reason.TRANSPORT_BROKEN);
    assertThat(((RefreshFailedException) error).isRetryable()).isFalse();
    assertThat(transport.calls()).isEqualTo(1);
  }

  @Test
  void aStoreFailingOnARetriedAttemptFailsTheRequestsInsteadOfStrandingThem() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    AtomicBoolean armed = new AtomicBoolean();
    TokenStore memory = TokenStore.inMemory();
    TokenStore flaky = new DelegatingStore(memory) {
      @Override
      public StoredTokens read() throws IOException {
        if (armed.get() && reads.incrementAndGet() >= 2) throw new IllegalStateException("disk gone");
        return memory.read();
      }
    };
    transport.answer = refresh -> CompletableFuture.completedFuture(json(503, "{}"));
    TokenSession s = signedInExpired(builder().store(flaky).build());
    armed.set(true);
    Throwable error = catchThrowable(() -> call(s));
    assertThat(error).isInstanceOf(RefreshFailedException.class);
    assertThat(((RefreshFailedException) error).reason()).isEqualTo(RefreshFailedException.Reason.STORE);
    assertThat(s.waitingForRefresh()).isZero();
  }

  @Test
  void aLoginHandlerThatNeverAnswersIsEndedBySignOutOrSignInOrItsTimeout() throws Exception {
    CompletableFuture<Tokens> never = new CompletableFuture<>();
    transport.answer = refresh -> CompletableFuture.completedFuture(Script.dead());
    TokenSession s = signedInExpired(builder().loginHandler(reason -> never).build());

    Future<Reply> waiting = callLater(s);
    await().atMost(WAIT).until(() -> s.waitingForRefresh() == 1);
    s.signOut();
    assertThat(rootOf(waiting)).isInstanceOf(LoginRequiredException.class)
        .extracting(e -> ((LoginRequiredException) e).reason()).isEqualTo(LoginRequiredException.Reason.SIGNED_OUT);
    assertThat(s.waitingForRefresh()).isZero();

    // A request with no session waits for the login; signIn is the login it waited for.
    Future<Reply> waitingForLogin = callLater(s);
    await().atMost(WAIT).until(() -> s.waitingForRefresh() == 1);
    s.signIn(tokens(7, null));
    api.accepts = token -> true;
    assertThat(waitingForLogin.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).sentWith).isEqualTo("A7");

    TokenSession timed = TokenSession.builder(DIALECT, transport).clock(clock).scope(API)
        .loginHandler(reason -> new CompletableFuture<>()).loginTimeout(Duration.ofMillis(50)).build();
    Throwable error = catchThrowable(() -> call(timed));
    assertThat(((LoginRequiredException) error).reason()).isEqualTo(LoginRequiredException.Reason.LOGIN_FAILED);
    assertThat(timed.waitingForRefresh()).isZero();
  }

  // ---- 2. sign-out and account switch win ---------------------------------------------------------

  @Test
  void aSignOutLandingBetweenTheRefreshsStoreWriteAndItsCompletionWins() throws Exception {
    TokenStore memory = TokenStore.inMemory();
    AtomicBoolean armed = new AtomicBoolean();
    TokenSession[] session = new TokenSession[1];
    TokenStore racing = new DelegatingStore(memory) {
      @Override
      public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
        StoredTokens written = memory.replace(expectedVersion, next);
        if (armed.getAndSet(false)) {
          try {
            pool.submit(() -> {
              session[0].signOut();
              return null;
            }).get();
          } catch (Exception e) {
            throw new IOException(e);
          }
        }
        return written;
      }
    };
    session[0] = signedInExpired(builder().store(racing).build());
    armed.set(true);
    Throwable error = catchThrowable(() -> call(session[0]));
    assertThat(((LoginRequiredException) error).reason()).isEqualTo(LoginRequiredException.Reason.SIGNED_OUT);
    assertThat(session[0].isSignedIn()).isFalse();
    assertThat(memory.read().isPresent()).isFalse();
    int sentBefore = api.sent.size();
    Throwable next = catchThrowable(() -> call(session[0]));
    assertThat(((LoginRequiredException) next).reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION);
    assertThat(api.sent).hasSize(sentBefore).as("nothing sent without a session");
  }

  @Test
  void aRequestOfUserAWaitingOnARefreshIsNeverReplayedAsUserB() throws Exception {
    CompletableFuture<RefreshReply> slow = new CompletableFuture<>();
    transport.answer = refresh -> slow;
    TokenSession s = signedInExpired(builder().build());
    Future<Reply> userA = callLater(s);
    await().atMost(WAIT).until(() -> s.waitingForRefresh() == 1);
    s.signIn(Tokens.of("B-access", "B-refresh"));
    slow.complete(transport.rotated(300)); // A's refresh lands after the switch
    assertThat(((LoginRequiredException) rootOf(userA)).reason()).isEqualTo(LoginRequiredException.Reason.SIGNED_OUT);
    api.accepts = token -> true;
    assertThat(call(s).sentWith).isEqualTo("B-access");
    assertThat(api.sent).doesNotContain("A2").as("A's late refresh was dropped, never used");
  }

  // ---- 3. clocks -----------------------------------------------------------------------------------

  @Test
  void aClientClockADayAheadOfTheServerCostsNoExtraRefresh() throws Exception {
    // The server's clock is a day behind ours: its JWTs' exp is in our past the moment they arrive.
    AtomicInteger minted = new AtomicInteger(1);
    transport.answer = refresh -> {
      long serverNow = clock.instant().minus(Duration.ofDays(1)).getEpochSecond();
      int n = minted.incrementAndGet();
      String jwt = Script.jwt("{\"n\":" + n + ",\"iat\":" + serverNow + ",\"exp\":" + (serverNow + 300) + "}");
      return CompletableFuture.completedFuture(json(200, "{\"access_token\":\"" + jwt + "\",\"refresh_token\":\"R" + n + "\"}"));
    };
    TokenSession s = signedInExpired(builder().build());
    for (int i = 0; i < 50; i++) {
      assertThat(call(s).status).isEqualTo(200);
      clock.advance(Duration.ofSeconds(2));
    }
    assertThat(transport.calls()).as("the one refresh the rejected first token needed, no more").isEqualTo(1);
    clock.advance(Duration.ofSeconds(200)); // now inside the last tenth of its 300 s: one more
    call(s);
    await().atMost(WAIT).until(() -> transport.calls() == 2);
    // The same token signed in directly: its lifetime (exp - iat) counts from now, whatever our clock says.
    long serverNow = clock.instant().minus(Duration.ofDays(1)).getEpochSecond();
    s.signIn(Tokens.of(Script.jwt("{\"iat\":" + serverNow + ",\"exp\":" + (serverNow + 300) + "}"), "R9"));
    for (int i = 0; i < 20; i++) call(s);
    assertThat(transport.calls()).isEqualTo(2);
  }

  // ---- 4. lost and late replies ----------------------------------------------------------------------

  @Test
  void aReplyThatArrivesAfterTheDeadlineIsKeptAndNoSecondCallOverlapsIt() throws Exception {
    CompletableFuture<RefreshReply> late = new CompletableFuture<>();
    transport.answer = refresh -> late;
    TokenStore store = TokenStore.inMemory();
    TokenSession s = signedInExpired(builder().store(store).refreshDeadline(Duration.ofMillis(100)).build());
    Throwable error = catchThrowable(() -> call(s));
    assertThat(((RefreshFailedException) error).reason()).isEqualTo(RefreshFailedException.Reason.TIMEOUT);
    // Another request while the first call is still pending: it waits for that call, sends none of its own.
    Throwable second = catchThrowable(() -> call(s));
    assertThat(((RefreshFailedException) second).reason()).isEqualTo(RefreshFailedException.Reason.TIMEOUT);
    assertThat(transport.calls()).isEqualTo(1);
    late.complete(transport.rotated(300)); // the server had rotated: R1 is spent, A2/R2 are the session now
    await().atMost(WAIT).until(() -> "R2".equals(store.read().tokens().refreshToken()));
    assertThat(transport.peakInFlight.get()).isEqualTo(1);
    assertThat(call(s).sentWith).isEqualTo("A2");
    assertThat(transport.presented).containsExactly("R1");
  }

  // ---- 5. rotated tokens are never dropped -------------------------------------------------------------

  @Test
  void whenTheStoreCannotWriteRefreshedTokensAreKeptAndTheNextRefreshPresentsTheNewToken() throws Exception {
    TokenStore memory = TokenStore.inMemory();
    AtomicBoolean readOnly = new AtomicBoolean();
    TokenStore store = new DelegatingStore(memory) {
      @Override
      public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
        if (readOnly.get()) throw new java.nio.file.AccessDeniedException("/ro/session.json");
        return memory.replace(expectedVersion, next);
      }
    };
    TokenSession s = signedInExpired(builder().store(store).build());
    readOnly.set(true);
    assertThat(call(s).sentWith).isEqualTo("A2");
    api.accepts = token -> !token.equals("A2");
    assertThat(call(s).sentWith).isEqualTo("A3");
    assertThat(transport.presented).containsExactly("R1", "R2");
    readOnly.set(false);
    await().atMost(WAIT).until(() -> "R3".equals(memory.read().tokens().refreshToken()));
  }

  @Test
  void aCorruptTokenFileDoesNotBlockSignInOrSignOutAndErrorsNameThePath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("session.json");
    Files.writeString(file, "{not json");
    TokenSession s = builder().store(TokenStore.file(file)).build();
    Throwable read = catchThrowable(s::isSignedIn);
    assertThat(read).hasMessageContaining(file.toString());
    s.signIn(tokens(1, null));
    assertThat(s.isSignedIn()).isTrue();
    Files.writeString(file, "[]");
    s.signOut();
    assertThat(TokenStore.file(file).read().isPresent()).isFalse();
    Path directory = dir.resolve("adir");
    Files.createDirectory(directory);
    Throwable isDir = catchThrowable(() -> TokenStore.file(directory).read());
    assertThat(isDir).hasMessageContaining(directory.toString());
  }

  // ---- 7. bursts -----------------------------------------------------------------------------------------

  @Test
  void aBackendRejectingEveryTokenCostsAtMostTwoRefreshesPerBurstAndBacksOffAfter() throws Exception {
    TokenSession s = builder().retry(3, Duration.ofSeconds(1), Duration.ofSeconds(8)).build();
    s.signIn(tokens(1, null));
    api.accepts = token -> false;
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Reply>> burst = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      burst.add(pool.submit(() -> {
        go.await();
        return call(s);
      }));
    }
    go.countDown();
    for (Future<Reply> f : burst) assertThat(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).status).isEqualTo(401);
    assertThat(transport.calls()).isLessThanOrEqualTo(2);
    int afterBurst = transport.calls();
    for (int i = 0; i < 20; i++) assertThat(call(s).status).isEqualTo(401);
    assertThat(transport.calls()).as("sequential calls inside the backoff refresh nothing").isEqualTo(afterBurst);
    clock.advance(Duration.ofSeconds(2));
    call(s);
    assertThat(transport.calls()).as("one refresh once the backoff passed").isEqualTo(afterBurst + 1);
  }

  // ---- 12. cancellation ------------------------------------------------------------------------------------

  @Test
  void aCancelledAsyncRequestLeavesTheWaitAtOnceAndIsNeverSent() throws Exception {
    CompletableFuture<RefreshReply> slow = new CompletableFuture<>();
    transport.answer = refresh -> slow;
    TokenSession s = signedInExpired(builder().build());
    Future<Reply> first = callLater(s); // triggers the refresh
    await().atMost(WAIT).until(() -> s.waitingForRefresh() == 1);
    Script.Async async = api.async(header -> CompletableFuture.completedFuture(api.handle(header)));
    CompletableFuture<Reply> cancelled = calls(s).executeAsync(API, async);
    await().atMost(WAIT).until(() -> s.waitingForRefresh() == 2);
    cancelled.cancel(false);
    assertThat(s.waitingForRefresh()).isEqualTo(1);
    slow.complete(transport.rotated(300));
    assertThat(first.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).status).isEqualTo(200);
    assertThat(async.sends.get()).isZero();
    assertThat(s.waitingForRefresh()).isZero();
  }

  // ---- 13. memory -----------------------------------------------------------------------------------------

  @Test
  void requestsDuringABackgroundRefreshAttachNothingToIt() throws Exception {
    CompletableFuture<RefreshReply> slow = new CompletableFuture<>();
    transport.answer = refresh -> slow;
    TokenSession s = builder().build();
    s.signIn(tokens(1, clock.instant().plusSeconds(300)));
    clock.advance(Duration.ofSeconds(240)); // inside refresh-ahead (60 s, a fifth), outside the blocking margin
    for (int i = 0; i < 1000; i++) assertThat(call(s).sentWith).isEqualTo("A1");
    // the background refresh is started on the session's executor: wait for it to reach the transport
    await().atMost(WAIT).until(() -> transport.calls() >= 1);
    assertThat(transport.calls()).isEqualTo(1);
    assertThat(s.waitingForRefresh()).isZero();
    assertThat(((Engine) calls(s)).waitersOnFlight()).as("nothing attached to the background flight").isZero();
    slow.complete(transport.rotated(300));
    await().atMost(WAIT).until(() -> "A2".equals(call(s).sentWith));
  }

  // ---- 15 and 16. secrets and reasons -----------------------------------------------------------------------

  @Test
  void anErrorReplyEchoingTheRefreshTokenNeverPutsItInAMessage() throws Exception {
    TokenSession s = builder().build();
    s.signIn(Tokens.of("A1", "refresh-secret-42"));
    api.accepts = token -> !token.equals("A1");
    transport.answer = refresh -> CompletableFuture.completedFuture(json(418, "{\"error\":\"" + refresh + "\"}"));
    Throwable error = catchThrowable(() -> call(s));
    assertThat(error).isInstanceOf(RefreshFailedException.class);
    StringBuilder chain = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) chain.append(t).append('\n');
    assertThat(chain.toString()).doesNotContain("refresh-secret-42").doesNotContain("A1");
  }

  @Test
  void aRequestThatWasSentAndRejectedSaysWhyTheSessionEndedNotNoSession() throws Exception {
    CompletableFuture<RefreshReply> dead = new CompletableFuture<>();
    transport.answer = refresh -> dead;
    TokenSession s = signedInExpired(builder().build());
    // One request is sent with A1 and its reply is slow: it is rejected only after the session has ended.
    CompletableFuture<Reply> slowReply = new CompletableFuture<>();
    Script.Async slow = api.async(header -> {
      api.handle(header);
      return slowReply;
    });
    CompletableFuture<Reply> late = calls(s).executeAsync(API, slow);
    List<Future<Reply>> burst = new ArrayList<>();
    for (int i = 0; i < 20; i++) burst.add(callLater(s));
    await().atMost(WAIT).until(() -> s.waitingForRefresh() == 20);
    dead.complete(Script.dead());
    for (Future<Reply> f : burst) {
      assertThat(((LoginRequiredException) rootOf(f)).reason()).isEqualTo(LoginRequiredException.Reason.REFRESH_REJECTED);
    }
    slowReply.complete(new Reply(401, "A1"));
    Throwable lateError = catchThrowable(() -> late.get(WAIT.toMillis(), TimeUnit.MILLISECONDS)).getCause();
    assertThat(((LoginRequiredException) lateError).reason()).isEqualTo(LoginRequiredException.Reason.REFRESH_REJECTED);
    assertThat(transport.calls()).isEqualTo(1);
    int sent = api.sent.size();
    Throwable fresh = catchThrowable(() -> call(s));
    assertThat(((LoginRequiredException) fresh).reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION);
    assertThat(api.sent).hasSize(sent);
  }

  /** A store that passes everything to another; tests override one method to stage a fault. */
  static class DelegatingStore implements TokenStore {
    private final TokenStore inner;

    DelegatingStore(TokenStore inner) {
      this.inner = inner;
    }

    @Override
    public StoredTokens read() throws IOException {
      return inner.read();
    }

    @Override
    public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
      return inner.replace(expectedVersion, next);
    }

    @Override
    public StoredTokens clear(long expectedVersion) throws IOException {
      return inner.clear(expectedVersion);
    }
  }
}
