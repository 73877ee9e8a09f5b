package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The refresh token store's decisions, without HTTP. */
class RefreshTokenStoreTest {
  private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
  private final Counters counters = new Counters();

  private RefreshTokenStore store(boolean rotation, boolean reuseDetection, Duration grace) {
    return new RefreshTokenStore(new SecureRandom(), Duration.ofMinutes(1), rotation, reuseDetection, grace, null, counters);
  }

  @Test
  void aLoginNeverOutlivesSessionMaxHoweverOftenItRotates() {
    RefreshTokenStore s = new RefreshTokenStore(new SecureRandom(), Duration.ofMinutes(1), true, true, Duration.ZERO,
        Duration.ofSeconds(90), counters);
    RefreshTokenStore.NewToken login = s.login("demo", T0);
    assertThat(s.lifetime(login.family, T0)).isEqualTo(Duration.ofMinutes(1));
    RefreshTokenStore.Result r1 = s.refresh(login.token, T0.plusSeconds(50));
    assertThat(r1.refreshExpiresIn).as("cut to the end of the login").isEqualTo(Duration.ofSeconds(40));
    RefreshTokenStore.Result r2 = s.refresh(r1.refreshToken, T0.plusSeconds(89));
    assertThat(r2.outcome).isEqualTo(RefreshTokenStore.Outcome.ROTATED);
    assertThat(s.refresh(r2.refreshToken, T0.plusSeconds(90)).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_EXPIRED);
    assertThat(counters.reuseDetected()).isZero();
  }

  @Test
  void checkOrderIsRevokedThenExpiredThenRotated() {
    RefreshTokenStore s = store(true, true, Duration.ZERO);
    String first = s.login("demo", T0).token;
    RefreshTokenStore.Result second = s.refresh(first, T0);
    assertThat(second.outcome).isEqualTo(RefreshTokenStore.Outcome.ROTATED);

    // rotated and expired: expired wins, no reuse detection
    assertThat(s.refresh(first, T0.plusSeconds(60)).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_EXPIRED);
    assertThat(counters.reuseDetected()).isZero();
    assertThat(s.refresh(first, T0.plusSeconds(59)).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_REUSED);
    assertThat(s.refresh(second.refreshToken, T0).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_REVOKED);
    assertThat(s.refresh("nope", T0).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_UNKNOWN);
    assertThat(s.refresh(null, T0).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_UNKNOWN);
  }

  @Test
  void graceIsMeasuredFromTheRotation() {
    RefreshTokenStore s = store(true, true, Duration.ofSeconds(5));
    String first = s.login("demo", T0).token;
    s.refresh(first, T0.plusSeconds(10));
    assertThat(s.refresh(first, T0.plusSeconds(14)).outcome).isEqualTo(RefreshTokenStore.Outcome.GRACE);
    assertThat(s.refresh(first, T0.plusSeconds(15)).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_REUSED);
  }

  @Test
  void withoutRotationTheTokenIsKeptWithItsRemainingLifetime() {
    RefreshTokenStore s = store(false, true, Duration.ZERO);
    String token = s.login("demo", T0).token;
    RefreshTokenStore.Result r = s.refresh(token, T0.plusSeconds(20));
    assertThat(r.outcome).isEqualTo(RefreshTokenStore.Outcome.KEPT);
    assertThat(r.refreshToken).isEqualTo(token);
    assertThat(r.refreshExpiresIn).isEqualTo(Duration.ofSeconds(40));
  }

  @Test
  void expiredEntriesAreSweptAndStayDead() {
    RefreshTokenStore s = store(true, true, Duration.ZERO);
    String old = s.login("demo", T0).token;
    Instant later = T0.plusSeconds(120);
    String live = null;
    for (int i = 0; i < 10_000; i++) {
      live = s.login("demo", later).token;
    }
    assertThat(s.refresh(old, later).outcome).isEqualTo(RefreshTokenStore.Outcome.DEAD_UNKNOWN); // swept
    assertThat(s.refresh(live, later).outcome).isEqualTo(RefreshTokenStore.Outcome.ROTATED);
  }
}
