package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The refresh token store's decisions, without HTTP. */
class RefreshTokenStoreTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final Counters counters = new Counters();
  private final MutableClock clock = new MutableClock(T0);

  private RefreshTokenStore store(boolean rotation, boolean reuseDetection, Duration grace) {
    return new RefreshTokenStore(new SecureRandom(), clock, Duration.ofMinutes(1), rotation, reuseDetection, grace,
        null, counters, null);
  }

  private RefreshTokenStore.Result refreshAt(RefreshTokenStore s, String token, Instant at) {
    clock.advance(Duration.between(clock.instant(), at));
    return s.refresh(token);
  }

  @Test
  void aLoginNeverOutlivesSessionMaxHoweverOftenItRotates() {
    RefreshTokenStore s = new RefreshTokenStore(new SecureRandom(), clock, Duration.ofMinutes(1), true, true,
        Duration.ZERO, Duration.ofSeconds(90), counters, null);
    RefreshTokenStore.NewToken login = s.login("demo");
    assertThat(login.lifetime).isEqualTo(Duration.ofMinutes(1));
    assertThat(login.issuedAt).isEqualTo(T0);
    RefreshTokenStore.Result r1 = refreshAt(s, login.token, T0.plusSeconds(50));
    assertThat(r1.refreshExpiresIn).as("cut to the end of the login").isEqualTo(Duration.ofSeconds(40));
    assertThat(r1.decidedAt).isEqualTo(T0.plusSeconds(50));
    RefreshTokenStore.Result r2 = refreshAt(s, r1.refreshToken, T0.plusSeconds(89));
    assertThat(r2.outcome).isEqualTo(RefreshTokenStore.Outcome.ROTATED);
    assertThat(refreshAt(s, r2.refreshToken, T0.plusSeconds(90)).outcome)
        .isEqualTo(RefreshTokenStore.Outcome.DEAD_EXPIRED);
    assertThat(counters.reuseDetected()).isZero();
  }

  @Test
  void checkOrderIsRevokedThenExpiredThenRotated() {
    RefreshTokenStore s = store(true, true, Duration.ZERO);
    String first = s.login("demo").token;
    RefreshTokenStore.Result second = s.refresh(first);
    assertThat(second.outcome).isEqualTo(RefreshTokenStore.Outcome.ROTATED);

    // rotated and expired: expired wins, no reuse detection
    assertThat(refreshAt(s, first, T0.plusSeconds(60)).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_EXPIRED);
    assertThat(counters.reuseDetected()).isZero();
    assertThat(refreshAt(s, first, T0.plusSeconds(59)).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_REUSED);
    assertThat(refreshAt(s, second.refreshToken, T0).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_REVOKED);
    assertThat(s.refresh("nope").outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_UNKNOWN);
    assertThat(s.refresh(null).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_UNKNOWN);
  }

  @Test
  void graceIsMeasuredFromTheRotation() {
    RefreshTokenStore s = store(true, true, Duration.ofSeconds(5));
    String first = s.login("demo").token;
    refreshAt(s, first, T0.plusSeconds(10));
    assertThat(refreshAt(s, first, T0.plusSeconds(14)).outcome).isEqualTo(RefreshTokenStore.Outcome.GRACE);
    assertThat(refreshAt(s, first, T0.plusSeconds(15)).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_REUSED);
  }

  @Test
  void withoutGraceTheSameInstantIsAlreadyReuse() {
    RefreshTokenStore s = store(true, true, Duration.ZERO);
    String first = s.login("demo").token;
    assertThat(s.refresh(first).outcome).isEqualTo(RefreshTokenStore.Outcome.ROTATED);
    assertThat(s.refresh(first).outcome).as("clock not moved").isEqualTo(RefreshTokenStore.Outcome.DEAD_REUSED);
  }

  @Test
  void withoutRotationTheTokenIsKeptWithItsRemainingLifetime() {
    RefreshTokenStore s = store(false, true, Duration.ZERO);
    String token = s.login("demo").token;
    RefreshTokenStore.Result r = refreshAt(s, token, T0.plusSeconds(20));
    assertThat(r.outcome).isEqualTo(RefreshTokenStore.Outcome.KEPT);
    assertThat(r.refreshToken).isEqualTo(token);
    assertThat(r.refreshExpiresIn).isEqualTo(Duration.ofSeconds(40));
  }

  @Test
  void expiredEntriesAreSweptAndStayDead() {
    RefreshTokenStore s = store(true, true, Duration.ZERO);
    String old = s.login("demo").token;
    clock.advance(Duration.ofSeconds(120));
    String live = null;
    for (int i = 0; i < 10_000; i++) {
      live = s.login("demo").token;
    }
    assertThat(s.refresh(old).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_UNKNOWN); // swept
    assertThat(s.refresh(live).outcome).isEqualTo(RefreshTokenStore.Outcome.ROTATED);
  }

  /**
   * Deterministic interleaving: B reads the clock first and stalls right after the read until A is either done
   * or blocked on the family's lock. A decision that read its time before taking the lock (B) would then see
   * A's rotation as later than itself and answer GRACE with no grace window; read under the lock, B rotates
   * first and A is reuse.
   */
  @Test
  void theTimeOfADecisionIsReadUnderTheFamilysLock() throws Exception {
    java.util.concurrent.atomic.AtomicReference<Thread> first = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<Thread> second = new java.util.concurrent.atomic.AtomicReference<>();
    CountDownLatch firstHasRead = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    java.time.Clock stalling = new java.time.Clock() {
      @Override
      public Instant instant() {
        Instant now = T0.plusNanos(1_000 * reads.incrementAndGet());
        if (Thread.currentThread() == first.get()) {
          firstHasRead.countDown();
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // bounds a failure only
          while (secondDone.getCount() > 0 && !blocked(second.get()) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
          }
        }
        return now;
      }

      @Override
      public java.time.ZoneId getZone() {
        return java.time.ZoneOffset.UTC;
      }

      @Override
      public java.time.Clock withZone(java.time.ZoneId zone) {
        throw new UnsupportedOperationException();
      }
    };
    RefreshTokenStore s = new RefreshTokenStore(new SecureRandom(), stalling, Duration.ofMinutes(1), true, true,
        Duration.ZERO, null, counters, null);
    String token = s.login("demo").token;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<RefreshTokenStore.Outcome> b = pool.submit(() -> {
        first.set(Thread.currentThread());
        return s.refresh(token).outcome;
      });
      assertThat(firstHasRead.await(30, TimeUnit.SECONDS)).isTrue();
      Future<RefreshTokenStore.Outcome> a = pool.submit(() -> {
        second.set(Thread.currentThread());
        try {
          return s.refresh(token).outcome;
        } finally {
          secondDone.countDown();
        }
      });
      assertThat(b.get(30, TimeUnit.SECONDS)).isEqualTo(RefreshTokenStore.Outcome.ROTATED);
      assertThat(a.get(30, TimeUnit.SECONDS)).isEqualTo(RefreshTokenStore.Outcome.DEAD_REUSED);
      assertThat(counters.reuseDetected()).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static boolean blocked(Thread t) {
    return t != null && t.getState() == Thread.State.BLOCKED;
  }
}
