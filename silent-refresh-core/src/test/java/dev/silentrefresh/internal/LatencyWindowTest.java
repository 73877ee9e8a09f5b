package dev.silentrefresh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {
  @Test
  void itsHighMarkIsTheNinetyNinthPercentileOfRecentSends() {
    LatencyWindow w = new LatencyWindow();
    assertThat(w.high()).isEqualTo(Duration.ZERO);
    for (int i = 0; i < 126; i++) w.record(Duration.ofMillis(10).toNanos());
    w.record(Duration.ofMillis(900).toNanos());
    w.record(Duration.ofMillis(800).toNanos());
    assertThat(w.high()).isEqualTo(Duration.ofMillis(800)); // the second highest of 128
    for (int i = 0; i < 128; i++) w.record(Duration.ofMillis(20).toNanos());
    assertThat(w.high()).as("old samples age out").isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void upToAHundredSendsItsHighMarkIsTheHighest() {
    LatencyWindow w = new LatencyWindow();
    w.record(Duration.ofMillis(30).toNanos());
    w.record(Duration.ofMillis(700).toNanos());
    w.record(Duration.ofMillis(40).toNanos());
    assertThat(w.high()).isEqualTo(Duration.ofMillis(700));
    assertThat(w.highNanos()).isEqualTo(Duration.ofMillis(700).toNanos());
  }
}
