package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.Faults.Fault;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** 429 and 503 with Retry-After, in seconds and as an HTTP-date, on every endpoint: what the client sees. */
class RetryAfterFaultTest extends ServerTestBase {

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void tooManyRequestsSaysWhenInSeconds(Endpoint endpoint) {
    AuthServer s = start(Profile.OAUTH2);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().add(FaultRule.next(endpoint, Fault.TOO_MANY_REQUESTS, 1).withSetting(Duration.ofSeconds(30)))
        .add(FaultRule.next(endpoint, Fault.TOO_MANY_REQUESTS, 1).withSetting(Duration.ofMillis(1500)))
        .failNext(endpoint, Fault.TOO_MANY_REQUESTS, 1);

    assertTooMany(call(s, endpoint, tokens), "30");
    assertTooMany(call(s, endpoint, tokens), "2"); // rounded up: a client never comes back early
    assertTooMany(call(s, endpoint, tokens), "1"); // the default
    assertThat(call(s, endpoint, tokens).statusCode()).isEqualTo(200);
    assertThat(s.counters().faultsInjected()).isEqualTo(3);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(endpoint == Endpoint.REFRESH ? 1 : 0);
  }

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void tooManyRequestsDateSaysWhenOnTheServersClock(Endpoint endpoint) {
    AuthServer s = start(Profile.CODE_1002);
    IssuedTokens tokens = s.issueTokens("demo");
    clock.advance(Duration.ofMillis(400)); // mid-second: the date rounds up
    s.faults().add(FaultRule.parse(endpoint.name().toLowerCase() + "=too_many_requests_date:2m:x1"));

    HttpResponse<String> r = call(s, endpoint, tokens);
    assertThat(r.statusCode()).isEqualTo(429);
    String date = r.headers().firstValue("Retry-After").orElseThrow();
    assertThat(date).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"); // IMF-fixdate
    Instant at = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    assertThat(at).isEqualTo(Instant.parse("2030-01-01T00:02:01Z"));
    assertThat(Wire.json(r)).isEqualTo(Wire.json("{\"error\":\"too_many_requests\"}"));
  }

  @Test
  void serviceUnavailableTakesItsRetryAfterFromTheRule() {
    AuthServer s = start(Profile.CODE_401);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().add(FaultRule.parse("refresh=service_unavailable:45s:x1"));
    HttpResponse<String> r = Wire.refresh(s, tokens.refreshToken());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("45");
    Wire.refreshTokens(s, tokens.refreshToken()); // nothing was rotated
  }

  @Test
  void aRateOfTooManyRequestsHitsSomeAndLeavesTheRest() {
    AuthServer s = start(Profile.CODE_50014);
    String access = Wire.loginTokens(s).access();
    s.faults().add(FaultRule.parse("api=too_many_requests:50%"));
    int throttled = 0;
    for (int i = 0; i < 200; i++) {
      HttpResponse<String> r = Wire.me(s, access);
      if (r.statusCode() == 429) {
        throttled++;
      } else {
        Wire.assertMe(Profile.CODE_50014, r);
      }
    }
    assertThat(throttled).isBetween(40, 160);
    assertThat(s.counters().faultsInjected()).isEqualTo(throttled);
    assertThat(s.counters().apiSucceeded()).isEqualTo(200 - throttled);
  }

  private static void assertTooMany(HttpResponse<String> r, String retryAfter) {
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue(retryAfter);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(Wire.json(r)).isEqualTo(Wire.json("{\"error\":\"too_many_requests\"}"));
  }

  /** One request to {@code endpoint} that succeeds without a fault. */
  static HttpResponse<String> call(AuthServer s, Endpoint endpoint, IssuedTokens tokens) {
    switch (endpoint) {
      case LOGIN:
        return Wire.login(s);
      case REFRESH:
        return Wire.refresh(s, tokens.refreshToken());
      default:
        return Wire.me(s, tokens.accessToken());
    }
  }
}
