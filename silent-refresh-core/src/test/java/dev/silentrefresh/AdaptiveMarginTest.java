package dev.silentrefresh;

import static dev.silentrefresh.Script.API;
import static dev.silentrefresh.Script.DIALECT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.Script.TestClock;
import dev.silentrefresh.Script.Transport;
import dev.silentrefresh.spi.SessionCalls;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The blocking margin grows with observed latency: a token that would expire in transit is not sent.
 * The latency is injected (recorded as if sends took that long), so nothing here depends on real time.
 */
class AdaptiveMarginTest {
  @Test
  void slowSendsWidenTheMarginSoATokenNeverExpiresInTransit() throws Exception {
    TestClock clock = new TestClock();
    Transport transport = new Transport();
    Api api = new Api();
    TokenSession s = TokenSession.builder(DIALECT, transport).clock(clock).scope(API).build();
    s.signIn(Script.tokens(1, clock.instant().plusSeconds(20))); // 20 s token: 2 s margin, 4 s refresh-ahead
    clock.advance(Duration.ofSeconds(12)); // 8 s left: outside both windows
    assertThat(SessionCalls.of(s).execute(API, api.blocking()).sentWith).isEqualTo("A1");
    assertThat(transport.calls()).isZero();

    Engine engine = (Engine) SessionCalls.of(s);
    for (int i = 0; i < 128; i++) engine.recordLatency(Duration.ofSeconds(6)); // a busy machine, a slow network
    // 8 s left, sends take 6 s: the margin (1.5 x 6 s, capped at half the lifetime = 10 s) now covers it.
    assertThat(SessionCalls.of(s).execute(API, api.blocking()).sentWith).isEqualTo("A2");
    assertThat(transport.calls()).isEqualTo(1);
  }
}
