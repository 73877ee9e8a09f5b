package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Rotation atomic under a thousand concurrent refreshes of one token, and password guessing throttled. */
class ServerHardeningTest extends ServerTestBase {

  @Test
  void ofAThousandConcurrentRefreshesOfOneTokenExactlyOneWinsAndTheFamilyIsRevokedOnce() throws Exception {
    AuthServer s = start(Profile.OAUTH2, b -> b.rotation(true).reuseDetection(true).grace(Duration.ZERO));
    String refresh = s.issueTokens("demo").refreshToken();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      replies.add(http.sendAsync(Wire.refreshRequest(s, refresh).timeout(Duration.ofSeconds(120)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(replies.toArray(new CompletableFuture<?>[0])).get(180, TimeUnit.SECONDS);

    long ok = replies.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 200).count();
    assertThat(ok).as("successful refreshes").isEqualTo(1);
    assertThat(s.counters().refreshCalls()).isEqualTo(1000);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(1);
    assertThat(s.counters().refreshRejected()).isEqualTo(999);
    assertThat(s.counters().reuseDetected()).as("one detection: the family is revoked at the first reuse").isEqualTo(1);
    assertThat(s.counters().familiesRevoked()).isEqualTo(1);
  }

  @Test
  void aRotatedTokenPresentedAfterTheGraceWindowRevokesTheFamily() {
    AuthServer s = start(Profile.OAUTH2, b -> b.rotation(true).reuseDetection(true).grace(Duration.ofSeconds(5)));
    String first = s.issueTokens("demo").refreshToken();
    String second = Wire.refreshTokens(s, first).refresh();
    assertThat(Wire.refresh(s, first).statusCode()).as("inside the grace window").isEqualTo(200);
    clock.advance(Duration.ofSeconds(6));
    assertThat(Wire.refresh(s, first).statusCode()).as("after it: reuse").isNotEqualTo(200);
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
    assertThat(Wire.refresh(s, second).statusCode()).as("the whole family is revoked").isNotEqualTo(200);
  }

  @Test
  void repeatedFailedLoginsAreThrottledForThatUserOnlyUntilTheWindowPasses() {
    AuthServer s = start(Profile.OAUTH2, b -> b.user("demo", "demo-password").user("alice", "alice-pw")
        .loginThrottle(3, Duration.ofSeconds(60)));
    for (int i = 0; i < 3; i++) {
      assertThat(Wire.login(s, "demo", "guess-" + i).statusCode()).as("failed login %d", i).isEqualTo(400);
    }
    HttpResponse<String> throttled = Wire.login(s, "demo", "demo-password");
    assertThat(throttled.statusCode()).as("the right password too, while throttled").isEqualTo(429);
    assertThat(throttled.headers().firstValue("Retry-After")).hasValue("60");
    assertThat(throttled.body()).doesNotContain("demo-password");
    assertThat(Wire.login(s, "alice", "alice-pw").statusCode()).as("another user is not affected").isEqualTo(200);
    assertThat(s.counters().loginsThrottled()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(45));
    assertThat(Wire.login(s, "demo", "demo-password").headers().firstValue("Retry-After")).hasValue("15");
    clock.advance(Duration.ofSeconds(15));
    assertThat(Wire.login(s, "demo", "demo-password").statusCode()).as("after the window").isEqualTo(200);
    assertThat(Wire.login(s, "demo", "wrong").statusCode()).as("a success cleared the count").isEqualTo(400);
    assertThat(Wire.login(s, "demo", "demo-password").statusCode()).isEqualTo(200);
  }

  @Test
  void throttlingCanBeSwitchedOff() {
    AuthServer s = start(Profile.CODE_401, b -> b.loginThrottle(0, Duration.ofSeconds(1)));
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = Wire.login(s, "demo", "nope");
      assertThat(r.statusCode()).as("attempt %d: %s", i, r.body()).isEqualTo(401);
    }
    assertThat(Wire.login(s, "demo", "demo-password").statusCode()).isEqualTo(200);
  }
}
