package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Repeated failed logins are throttled per username, on the server's clock. */
class LoginThrottleTest extends ServerTestBase {

  @ParameterizedTest
  @EnumSource(Profile.class)
  void theDefaultThrottlesAUsernameAfterTenFailuresAMinuteAndNobodyElse(Profile p) {
    AuthServer s = start(p, b -> b.user("demo", "demo-password").user("alice", "alice-password"));
    for (int i = 0; i < 10; i++) {
      assertBadCredentials(p, Wire.login(s, "demo", "wrong-" + i));
    }
    assertThrottled(Wire.login(s, "demo", "wrong"), "60");
    assertThrottled(Wire.login(s, "demo", "demo-password"), "60"); // the right password is not even checked
    assertThat(Wire.login(s, "alice", "alice-password").statusCode()).isEqualTo(200);

    clock.advance(Duration.ofSeconds(59));
    assertThrottled(Wire.login(s, "demo", "demo-password"), "1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(Wire.login(s, "demo", "demo-password").statusCode()).isEqualTo(200);
    assertThat(s.counters().loginFailures()).isEqualTo(10);
    assertThat(s.counters().loginsThrottled()).isEqualTo(3);
    assertThat(s.counters().loginCalls()).isEqualTo(15);
  }

  @Test
  void theWindowSlides() {
    AuthServer s = start(Profile.CODE_401, b -> b.loginThrottle(3, Duration.ofSeconds(10)));
    Wire.login(s, "demo", "wrong");
    clock.advance(Duration.ofSeconds(4));
    Wire.login(s, "demo", "wrong");
    clock.advance(Duration.ofSeconds(4));
    Wire.login(s, "demo", "wrong");
    assertThrottled(Wire.login(s, "demo", "demo-password"), "2"); // until the first failure is 10 s old

    clock.advance(Duration.ofSeconds(2));
    assertBadCredentials(Profile.CODE_401, Wire.login(s, "demo", "wrong")); // one slot free, used again
    assertThrottled(Wire.login(s, "demo", "demo-password"), "4"); // until the second failure (at 4 s) is 10 s old
  }

  @Test
  void aSuccessfulLoginForgetsTheFailures() {
    AuthServer s = start(Profile.OAUTH2, b -> b.loginThrottle(3, Duration.ofMinutes(5)));
    Wire.login(s, "demo", "wrong");
    Wire.login(s, "demo", "wrong");
    assertThat(Wire.login(s).statusCode()).isEqualTo(200);
    Wire.login(s, "demo", "wrong");
    Wire.login(s, "demo", "wrong");
    assertThat(Wire.login(s).statusCode()).isEqualTo(200);
    assertThat(s.counters().loginsThrottled()).isZero();
  }

  @Test
  void unknownUsernamesAreThrottledToo() {
    AuthServer s = start(Profile.CODE_1002, b -> b.loginThrottle(2, Duration.ofMinutes(1)));
    Wire.login(s, "nobody", "x");
    Wire.login(s, "nobody", "y");
    assertThrottled(Wire.login(s, "nobody", "z"), "60");
    assertThat(Wire.login(s).statusCode()).isEqualTo(200);
  }

  /** Concurrent attempts cannot slip past the limit: each is counted before its password is checked. */
  @Test
  void concurrentAttemptsGetExactlyTheAllowedFailures() throws Exception {
    AuthServer s = start(Profile.OAUTH2, b -> b.loginThrottle(5, Duration.ofMinutes(1)));
    List<HttpResponse<String>> replies = ConcurrencyTest.fireTogether(50, i -> Wire.login(s, "demo", "wrong-" + i));
    assertThat(replies.stream().filter(r -> r.statusCode() == 429).count()).isEqualTo(45);
    assertThat(s.counters().loginFailures()).isEqualTo(5);
    assertThat(s.counters().loginsThrottled()).isEqualTo(45);
  }

  @Test
  void switchedOffItNeverThrottlesAndResetForgets() {
    AuthServer off = start(Profile.CODE_50014, AuthServer.Builder::noLoginThrottle);
    for (int i = 0; i < 30; i++) {
      assertBadCredentials(Profile.CODE_50014, Wire.login(off, "demo", "wrong"));
    }
    assertThat(Wire.login(off).statusCode()).isEqualTo(200);

    AuthServer on = start(Profile.CODE_50014, b -> b.loginThrottle(1, Duration.ofHours(1)));
    Wire.login(on, "demo", "wrong");
    assertThat(Wire.login(on).statusCode()).isEqualTo(429);
    on.reset();
    assertThat(Wire.login(on).statusCode()).isEqualTo(200);
  }

  @Test
  void clientCredentialsLoginsAreNotThrottled() {
    AuthServer s = start(Profile.OAUTH2, b -> b.clientSecret("shh").loginThrottle(1, Duration.ofHours(1)));
    String basic = java.util.Base64.getEncoder().encodeToString("demo-client:shh".getBytes(
        java.nio.charset.StandardCharsets.UTF_8));
    for (int i = 0; i < 3; i++) {
      HttpResponse<String> r = Wire.send(Wire.postForm(s.loginUri(), "grant_type=client_credentials")
          .header("Authorization", "Basic " + basic));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  @Test
  void builderRefusesNonsense() {
    AuthServer.Builder b = AuthServer.builder(Profile.OAUTH2);
    assertThatThrownBy(() -> b.loginThrottle(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.loginThrottle(3, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.loginThrottle(3, null)).isInstanceOf(NullPointerException.class);
  }

  private static void assertThrottled(HttpResponse<String> r, String retryAfter) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue(retryAfter);
    assertThat(Wire.json(r)).isEqualTo(Wire.json("{\"error\":\"too_many_requests\"}"));
  }

  private static void assertBadCredentials(Profile p, HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(p == Profile.OAUTH2 ? 400 : 401);
  }
}
