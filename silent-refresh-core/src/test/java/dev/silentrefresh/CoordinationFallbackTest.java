package dev.silentrefresh;

import static dev.silentrefresh.Script.API;
import static dev.silentrefresh.Script.DIALECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.Script.TestClock;
import dev.silentrefresh.Script.Transport;
import dev.silentrefresh.spi.CoordinationUnavailableException;
import dev.silentrefresh.spi.RefreshLock;
import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A refresh lock whose coordinator goes away ({@link CoordinationUnavailableException}, with the store down
 * too): the session refreshes under its own single flight (one refresh however many requests wait), keeps the
 * tokens in memory, says so once (one WARNING, one event per outage) and, when the store is back, saves them at
 * the version they were refreshed from and says so once. Any other failure of the lock still fails the refresh.
 */
class CoordinationFallbackTest {
  private static final int REQUESTS = 50;

  /** An in-memory store that is its own refresh lock, and can go down (both at once, as a Redis would). */
  static final class FlakyStore extends TokenSessionTest.DelegatingStore implements RefreshLock {
    final TokenStore inner;
    final Semaphore lock = new Semaphore(1);
    volatile boolean down;
    /** When set, acquire fails with this (the coordinator answers, but with an error). */
    volatile IOException lockError;

    FlakyStore(TokenStore inner) {
      super(inner);
      this.inner = inner;
    }

    private void check() throws IOException {
      if (down) throw new IOException("cannot reach the test store at test://coordinator");
    }

    @Override
    public StoredTokens read() throws IOException {
      check();
      return super.read();
    }

    @Override
    public StoredTokens replace(long expectedVersion, Tokens next) throws IOException {
      check();
      return super.replace(expectedVersion, next);
    }

    @Override
    public StoredTokens clear(long expectedVersion) throws IOException {
      check();
      return super.clear(expectedVersion);
    }

    @Override
    public Lease acquire(Duration timeout) throws IOException, InterruptedException {
      if (down) throw new CoordinationUnavailableException("cannot reach test://coordinator", null);
      if (lockError != null) throw lockError;
      if (!lock.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS)) return null;
      return lock::release;
    }
  }

  private final FlakyStore store = new FlakyStore(TokenStore.inMemory());
  private final Transport server = new Transport();
  private final Api api = new Api();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Logger engineLog = Logger.getLogger(TokenSession.class.getName());
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord r) {
      if (r.getLevel().intValue() >= Level.INFO.intValue()) logged.add(r);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private final TokenSession session = TokenSession.builder(DIALECT, server).clock(new TestClock()).scope(API)
      .store(store).listener(new SessionListener() {
        @Override
        public void coordinationLost(String reason) {
          events.add("lost: " + reason);
        }

        @Override
        public void coordinationRestored() {
          events.add("restored");
        }

        @Override
        public void loginRequired(LoginRequiredException reason) {
          events.add("loginRequired");
        }

        @Override
        public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
          events.add("failed: " + failure.reason() + " attempt " + attempt + (willRetry ? " will retry" : ""));
        }
      }).build();

  @BeforeEach
  void captureLog() {
    engineLog.addHandler(capture);
  }

  @AfterEach
  void releaseLog() {
    engineLog.removeHandler(capture);
  }

  /** {@link #REQUESTS} blocking requests at once; returns their statuses. */
  private List<Integer> burst() throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Integer>> all = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      all.add(CompletableFuture.supplyAsync(() -> {
        try {
          start.await();
          return SessionCalls.of(session).execute(API, api.blocking()).status;
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, runnable -> new Thread(runnable).start()));
    }
    start.countDown();
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<Integer> f : all) statuses.add(f.get(30, TimeUnit.SECONDS));
    return statuses;
  }

  private long warnings() {
    return logged.stream().filter(r -> r.getLevel() == Level.WARNING).count();
  }

  @Test
  void whileTheCoordinatorIsDownOneRefreshPerExpiryIsToldOnceAndSavedWhenItIsBack() throws Exception {
    session.signIn(Script.tokens(1, null));
    store.down = true;

    api.accepts = token -> token.equals("A2"); // A1 expired
    assertThat(burst()).as("every request succeeds").containsOnly(200);
    assertThat(server.calls()).as("one refresh for %d requests", REQUESTS).isEqualTo(1);
    api.accepts = token -> token.equals("A3");
    assertThat(burst()).containsOnly(200);
    assertThat(server.calls()).isEqualTo(2);
    assertThat(server.presented).containsExactly("R1", "R2");
    assertThat(server.peakInFlight.get()).isEqualTo(1);
    assertThat(events).containsExactly("lost: cannot reach test://coordinator");
    assertThat(warnings()).as("one warning for the outage, not one per refresh or failed save").isEqualTo(1);
    assertThat(logged.get(0).getMessage()).contains("test://coordinator").doesNotContain("R2").doesNotContain("A3");
    assertThat(store.inner.read().tokens().accessToken()).as("nothing saved while down").isEqualTo("A1");

    store.down = false;
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> store.inner.read().version() == 2);
    assertThat(store.inner.read().tokens().refreshToken()).as("the newest tokens, over the version they came from")
        .isEqualTo("R3");
    assertThat(events).containsExactly("lost: cannot reach test://coordinator", "restored");
    assertThat(warnings()).isEqualTo(1);
    assertThat(logged).filteredOn(r -> r.getLevel() == Level.INFO).hasSize(1);

    api.accepts = token -> token.equals("A4"); // the next expiry takes the lock again, and nothing more is told
    assertThat(burst()).containsOnly(200);
    assertThat(server.calls()).isEqualTo(3);
    assertThat(store.inner.read().tokens().accessToken()).isEqualTo("A4");
    assertThat(events).hasSize(2);
  }

  @Test
  void aDeadRefreshTokenWhileTheCoordinatorIsDownEndsTheSessionOnce() throws Exception {
    session.signIn(Script.tokens(1, null));
    store.down = true;
    api.accepts = token -> false;
    server.answer = refresh -> CompletableFuture.completedFuture(Script.dead());
    Throwable t = catchThrowable(() -> SessionCalls.of(session).execute(API, api.blocking()));
    assertThat(t).isInstanceOf(LoginRequiredException.class);
    assertThat(((LoginRequiredException) t).reason()).isEqualTo(LoginRequiredException.Reason.REFRESH_REJECTED);
    assertThat(events).containsExactly("lost: cannot reach test://coordinator", "loginRequired");
    assertThat(session.isSignedIn()).isFalse();
    assertThat(warnings()).isEqualTo(1);
  }

  @Test
  void anyOtherFailureOfTheLockStillFailsTheRefreshAndKeepsTheSession() throws Exception {
    session.signIn(Script.tokens(1, null));
    store.lockError = new IOException("the lock is broken");
    api.accepts = token -> token.equals("A2");
    Throwable t = catchThrowable(() -> SessionCalls.of(session).execute(API, api.blocking()));
    assertThat(t).isInstanceOf(RefreshFailedException.class);
    assertThat(((RefreshFailedException) t).reason()).isEqualTo(RefreshFailedException.Reason.STORE);
    assertThat(server.calls()).as("no refresh without the lock").isZero();
    assertThat(events).as("the refresh's one end, and no outage").containsExactly("failed: STORE attempt 0");
    assertThat(session.isSignedIn()).isTrue();

    store.lockError = null;
    assertThat(SessionCalls.of(session).execute(API, api.blocking()).status).isEqualTo(200);
    assertThat(server.calls()).isEqualTo(1);
  }

  @Test
  void aLockHeldElsewherePastTheDeadlineEndsTheRefreshWithOneTimeoutEvent() throws Exception {
    TokenSession quick = TokenSession.builder(DIALECT, server).clock(new TestClock()).scope(API).store(store)
        .refreshDeadline(Duration.ofMillis(300)).listener(new SessionListener() {
          @Override
          public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
            events.add("failed: " + failure.reason() + " attempt " + attempt);
          }
        }).build();
    quick.signIn(Script.tokens(1, null));
    store.lock.acquire(); // another process holds it
    api.accepts = token -> token.equals("A2");
    Throwable t = catchThrowable(() -> SessionCalls.of(quick).execute(API, api.blocking()));
    assertThat(t).isInstanceOf(RefreshFailedException.class);
    assertThat(((RefreshFailedException) t).reason()).isEqualTo(RefreshFailedException.Reason.TIMEOUT);
    Awaitility.await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
    assertThat(events).as("one end of the refresh, whichever of the deadline and the lock came first")
        .containsExactly("failed: TIMEOUT attempt 0");
    store.lock.release();
  }
}
