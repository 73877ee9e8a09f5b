package dev.silentrefresh.testkit;

import static dev.silentrefresh.testkit.Wire.assertDead;
import static dev.silentrefresh.testkit.Wire.assertExpired;
import static dev.silentrefresh.testkit.Wire.assertMe;
import static dev.silentrefresh.testkit.Wire.me;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.net.http.HttpResponse.BodyHandlers;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Fault injection, mostly on REFRESH, for every profile. */
class FaultTest extends ServerTestBase {

  static List<Arguments> replacingFaults() {
    List<Arguments> args = new ArrayList<>();
    for (Profile p : Profile.values()) {
      for (Faults.Fault f : new Faults.Fault[] {Faults.Fault.SERVER_ERROR, Faults.Fault.SERVICE_UNAVAILABLE,
          Faults.Fault.HTML_ERROR_PAGE, Faults.Fault.MALFORMED_JSON, Faults.Fault.TRUNCATED_JSON,
          Faults.Fault.WRONG_TYPES, Faults.Fault.MISSING_FIELDS, Faults.Fault.HUGE_BODY, Faults.Fault.NOT_JSON}) {
        args.add(Arguments.of(p, f));
      }
    }
    return args;
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("replacingFaults")
  void refreshFaultGivesItsDocumentedReplyAndChangesNothing(Profile p, Faults.Fault fault) {
    AuthServer s = start(p);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().failNext(Endpoint.REFRESH, fault, 1);

    HttpResponse<String> r = Wire.refresh(s, tokens.refreshToken());
    assertFaultReply(p, fault, r);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(s.counters().faultsInjected()).isEqualTo(1);
    assertThat(s.counters().refreshCalls()).isEqualTo(1);
    assertThat(s.counters().refreshSucceeded()).isZero();

    // the faulted request did not rotate: the same refresh token still works, without any reuse
    Wire.refreshTokens(s, tokens.refreshToken());
    assertThat(s.counters().reuseDetected()).isZero();
    assertThat(s.counters().faultsInjected()).isEqualTo(1);
  }

  private static void assertFaultReply(Profile p, Faults.Fault fault, HttpResponse<String> r) {
    String type = r.headers().firstValue("Content-Type").orElse("");
    switch (fault) {
      case SERVER_ERROR:
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(type).isEqualTo("application/json");
        assertThat(Wire.json(r)).isEqualTo(Wire.json("{\"error\":\"server_error\"}"));
        break;
      case SERVICE_UNAVAILABLE:
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        break;
      case HTML_ERROR_PAGE:
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(type).startsWith("text/html");
        assertThat(r.body()).contains("<html");
        break;
      case MALFORMED_JSON:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(type).isEqualTo("application/json");
        assertThat(r.body()).isEqualTo("{\"access_tok");
        break;
      case TRUNCATED_JSON:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(type).isEqualTo("application/json");
        assertThat(r.body()).startsWith("{").hasSizeGreaterThan(5);
        assertThatThrownBy(() -> Wire.JSON.readTree(r.body())).isInstanceOf(Exception.class);
        break;
      case WRONG_TYPES: {
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode access = Wire.accessNode(p, Wire.json(r));
        assertThat(access.isMissingNode()).isFalse();
        assertThat(access.isTextual()).isFalse();
        break;
      }
      case MISSING_FIELDS: {
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Wire.json(r);
        assertThat(Wire.accessNode(p, body).isMissingNode()).isTrue();
        assertThat(Wire.tokens(p, Endpoint.REFRESH, body)).isEqualTo(new Wire.Tokens(null, null));
        break;
      }
      case HUGE_BODY:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(type).isEqualTo("application/json");
        assertThat(r.body().length()).isBetween(5 * 1024 * 1024 - 16, 5 * 1024 * 1024 + 16);
        break;
      case NOT_JSON:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(type).startsWith("text/plain");
        assertThat(r.body()).isEqualTo("OK");
        break;
      default:
        throw new AssertionError(fault);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void delayAnswersNormallyAfterTheDelay(Profile p) {
    AuthServer s = start(p);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().delay(Duration.ofMillis(300)).failNext(Endpoint.REFRESH, Faults.Fault.DELAY, 1);

    long t0 = System.nanoTime();
    Wire.Tokens fresh = Wire.refreshTokens(s, tokens.refreshToken());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertMe(p, me(s, fresh.access()));
    assertThat(s.counters().faultsInjected()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void dropAfterCommitReallyRotated(Profile p) {
    AuthServer s = start(p);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().failNext(Endpoint.REFRESH, Faults.Fault.DROP_AFTER_COMMIT, 1);

    HttpResponse<String> r = Wire.refresh(s, tokens.refreshToken());
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(Wire.json(r)).isEqualTo(Wire.json("{\"error\":\"server_error\"}"));
    assertThat(s.counters().refreshSucceeded()).isEqualTo(1);
    assertThat(s.counters().faultsInjected()).isEqualTo(1);

    HttpResponse<String> retry = Wire.refresh(s, tokens.refreshToken());
    if (p == Profile.PUT_BEARER) {
      assertThat(retry.statusCode()).isEqualTo(200); // never rotates, so the retry just works
    } else {
      assertDead(p, retry);
      assertThat(s.counters().reuseDetected()).isEqualTo(1);
      assertThat(s.counters().familiesRevoked()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void rejectTokensRejectsAFreshToken(Profile p) {
    AuthServer s = start(p);
    String access = Wire.loginTokens(s).access();
    s.faults().failAlways(Endpoint.API, Faults.Fault.REJECT_TOKENS);
    assertExpired(p, me(s, access));
    assertExpired(p, me(s, access));
    assertThat(s.counters().rejectedRequests()).isEqualTo(2);
    assertThat(s.counters().faultsInjected()).isEqualTo(2);

    s.faults().clear();
    assertMe(p, me(s, access));
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void loginAndApiFaultsKeepTheProfilesShape(Profile p) {
    AuthServer s = start(p);
    s.faults().failNext(Endpoint.LOGIN, Faults.Fault.MISSING_FIELDS, 1);
    HttpResponse<String> login = Wire.login(s);
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(Wire.tokens(p, Endpoint.LOGIN, Wire.json(login))).isEqualTo(new Wire.Tokens(null, null));

    String access = Wire.loginTokens(s).access();
    s.faults().failNext(Endpoint.API, Faults.Fault.TRUNCATED_JSON, 1).failNext(Endpoint.API, Faults.Fault.SERVER_ERROR, 1);
    HttpResponse<String> truncated = me(s, access);
    assertThat(truncated.statusCode()).isEqualTo(200);
    assertThat(truncated.body()).isNotEmpty().isNotEqualTo(Wire.meBody(p));
    assertThat(Wire.meBody(p)).startsWith(truncated.body());
    assertThat(me(s, access).statusCode()).isEqualTo(500);
    assertMe(p, me(s, access));
    assertThat(s.counters().faultsInjected()).isEqualTo(3);
    assertThat(s.counters().apiRequests()).isEqualTo(3);
    assertThat(s.counters().apiSucceeded()).isEqualTo(1);
  }

  @Test
  void failNextCountsDownAndFailAlwaysLastsUntilClear() {
    AuthServer s = start(Profile.CODE_1002);
    String access = Wire.loginTokens(s).access();
    s.faults().failNext(Endpoint.API, Faults.Fault.NOT_JSON, 2);
    assertThat(me(s, access).body()).isEqualTo("OK");
    assertThat(me(s, access).body()).isEqualTo("OK");
    assertMe(Profile.CODE_1002, me(s, access));

    s.faults().failAlways(Endpoint.API, Faults.Fault.SERVER_ERROR);
    for (int i = 0; i < 3; i++) {
      assertThat(me(s, access).statusCode()).isEqualTo(500);
    }
    s.reset();
    assertMe(Profile.CODE_1002, me(s, access));
    assertThat(s.counters().faultsInjected()).isZero();
  }

  @Test
  void failRateHitsRoughlyThatFraction() {
    AuthServer s = start(Profile.CODE_401);
    String access = Wire.loginTokens(s).access();
    s.faults().failRate(Endpoint.API, Faults.Fault.SERVER_ERROR, 0.0).failRate(Endpoint.API, Faults.Fault.NOT_JSON, 1.0);
    assertThat(me(s, access).body()).isEqualTo("OK");
    s.faults().clear();
    s.faults().failRate(Endpoint.API, Faults.Fault.SERVER_ERROR, 0.5);
    int failed = 0;
    for (int i = 0; i < 200; i++) {
      failed += me(s, access).statusCode() == 500 ? 1 : 0;
    }
    assertThat(failed).isBetween(40, 160);
    assertThat(s.counters().faultsInjected()).isEqualTo(failed + 1);
  }

  @Test
  void faultsRefuseNonsense() {
    Faults f = new Faults();
    assertThatThrownBy(() -> f.failNext(Endpoint.API, Faults.Fault.DROP_AFTER_COMMIT, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REFRESH");
    assertThatThrownBy(() -> f.failAlways(Endpoint.REFRESH, Faults.Fault.REJECT_TOKENS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("API");
    assertThatThrownBy(() -> f.failNext(Endpoint.API, Faults.Fault.NOT_JSON, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.failRate(Endpoint.API, Faults.Fault.NOT_JSON, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> f.delay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void closeEndsAPendingDelayAtOnce() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().failAlways(Endpoint.REFRESH, Faults.Fault.DELAY); // default delay: 30 s
    CompletableFuture<HttpResponse<String>> pending =
        Wire.HTTP.sendAsync(Wire.refreshRequest(s, tokens.refreshToken()).build(), BodyHandlers.ofString());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.counters().refreshCalls() == 1);

    long t0 = System.nanoTime();
    s.close();
    s.close(); // idempotent
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
    // the client hears back (an answer or a closed connection) well before the 30 s delay
    pending.handle((r, e) -> null).get(10, TimeUnit.SECONDS);
  }
}
