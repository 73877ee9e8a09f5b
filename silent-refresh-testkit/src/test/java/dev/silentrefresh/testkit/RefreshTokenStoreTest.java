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
    return new RefreshTokenStore(new SecureRandom(), Duration.ofMinutes(1), rotation, reuseDetection, grace, counters);
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
