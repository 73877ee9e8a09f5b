package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin endpoint: counters and faults over HTTP, as a front end under test would use them. */
class AdminEndpointTest extends ServerTestBase {

  @Test
  void countersOverHttpAreTheJavaCounters() {
    AuthServer s = start(Profile.OAUTH2);
    Wire.Tokens tokens = Wire.loginTokens(s);
    Wire.login(s, "demo", "wrong");
    Wire.me(s, tokens.access());
    Wire.me(s, "forged");
    Wire.refreshTokens(s, tokens.refresh());
    Wire.refresh(s, tokens.refresh()); // reuse: the family is revoked
    s.faults().failNext(Endpoint.API, Faults.Fault.NOT_JSON, 1);
    Wire.me(s, tokens.access());

    HttpResponse<String> r = get(s, "counters");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    Map<String, Long> overHttp = new LinkedHashMap<>();
    Wire.json(r).properties().forEach(f -> overHttp.put(f.getKey(), f.getValue().asLong()));
    assertThat(overHttp).containsExactlyEntriesOf(s.counters().snapshot());
    assertThat(overHttp).containsEntry("loginCalls", 2L).containsEntry("loginFailures", 1L)
        .containsEntry("refreshCalls", 2L).containsEntry("refreshSucceeded", 1L).containsEntry("reuseDetected", 1L)
        .containsEntry("familiesRevoked", 1L).containsEntry("rejectedRequests", 1L).containsEntry("faultsInjected", 1L);
    assertThat(s.counters().snapshot()).isEqualTo(overHttp); // reading them counted nothing
  }

  @Test
  void faultsSetOverHttpAreObservedAndListed() {
    AuthServer s = start(Profile.CODE_1002);
    IssuedTokens tokens = s.issueTokens("demo");
    HttpResponse<String> set = send(s, "POST", "faults",
        "{\"rules\":[\"refresh=server_error:x1\",\"api=too_many_requests:30s\",\"login=latency:1ms\"]}");
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(Wire.json(set)).isEqualTo(Wire.json("{\"rules\":[\"login=latency:1ms\",\"refresh=server_error:x1\","
        + "\"api=too_many_requests:30s\"],\"heldRequests\":0,\"heldReplies\":0,\"unanswered\":0}"));
    assertThat(s.faults().rules()).extracting(FaultRule::toString)
        .containsExactly("login=latency:1ms", "refresh=server_error:x1", "api=too_many_requests:30s");

    assertThat(Wire.refresh(s, tokens.refreshToken()).statusCode()).isEqualTo(500);
    HttpResponse<String> api = Wire.me(s, tokens.accessToken());
    assertThat(api.statusCode()).isEqualTo(429);
    assertThat(api.headers().firstValue("Retry-After")).hasValue("30");
    assertThat(Wire.json(get(s, "faults")).get("rules")).hasSize(2); // the x1 rule is used up

    HttpResponse<String> replaced = send(s, "PUT", "faults", "{\"rules\":[\"api=not_json:x1\"]}");
    assertThat(Wire.json(replaced).get("rules").toString()).isEqualTo("[\"api=not_json:x1\"]");
    assertThat(Wire.me(s, tokens.accessToken()).body()).isEqualTo("OK");

    send(s, "POST", "faults", "{\"rules\":[\"api=server_error\"]}");
    HttpResponse<String> cleared = send(s, "DELETE", "faults", null);
    assertThat(Wire.json(cleared).get("rules")).isEmpty();
    Wire.assertMe(Profile.CODE_1002, Wire.me(s, tokens.accessToken()));
    Wire.refreshTokens(s, tokens.refreshToken());
    assertThat(s.counters().faultsInjected()).isEqualTo(3); // 500, 429, OK (no login was made); admin calls count nothing
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"rules\":                                | the body is not JSON; expected {\"rules\":[\"refresh=server_error:0.1\", ...]}",
      "''                                         | the body is not JSON",
      "[\"refresh=server_error\"]                 | an object with one field, rules, an array of rule strings",
      "{\"rules\":\"refresh=server_error\"}       | an object with one field, rules, an array of rule strings",
      "{\"rules\":[],\"extra\":1}                 | an object with one field, rules",
      "{\"rules\":[\"api=not_json\",3]}           | rules[1] is not a string but number",
      "{\"rules\":[\"api=not_json\",\"api=nope\"]} | rules[1] 'api=nope': unknown fault 'nope'; expected one of:",
      "{\"rules\":[\"api=latency:fast\"]}         | rules[0] 'api=latency:fast': 'fast' is neither always",
  })
  void badBodiesAre400NamingTheProblemAndChangeNothing(String body, String message) {
    AuthServer s = start(Profile.OAUTH2);
    s.faults().failAlways(Endpoint.LOGIN, Faults.Fault.NOT_JSON);
    for (String method : new String[] {"POST", "PUT"}) {
      HttpResponse<String> r = send(s, method, "faults", body);
      assertThat(r.statusCode()).isEqualTo(400);
      JsonNode json = Wire.json(r);
      assertThat(json.path("error").asText()).isEqualTo("bad_request");
      assertThat(json.path("message").asText()).contains(message).doesNotContain("\n");
    }
    assertThat(s.faults().rules()).extracting(FaultRule::toString).containsExactly("login=not_json");
  }

  @Test
  void wrongMethodsAndPathsAreJsonErrors() {
    AuthServer s = start(Profile.CODE_50014);
    HttpResponse<String> wrong = send(s, "POST", "counters", "{}");
    assertThat(wrong.statusCode()).isEqualTo(405);
    assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, OPTIONS");
    assertThat(send(s, "GET", "reset", null).statusCode()).isEqualTo(405);
    assertThat(send(s, "PATCH", "faults", "{}").statusCode()).isEqualTo(405);
    HttpResponse<String> missing = get(s, "nothing-here");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(Wire.json(missing).path("message").asText()).contains("/_admin/counters");
    assertThat(s.counters().snapshot().values()).containsOnly(0L);
  }

  @Test
  void resetReleaseAndExpireOverHttp() throws Exception {
    AuthServer s = start(Profile.OAUTH2, b -> b.loginThrottle(1, Duration.ofHours(1)));
    Wire.Tokens tokens = Wire.loginTokens(s);
    Wire.login(s, "demo", "wrong");
    assertThat(Wire.login(s).statusCode()).isEqualTo(429); // throttled

    assertThat(send(s, "POST", "expire-access-tokens", null).statusCode()).isEqualTo(204);
    Wire.assertExpired(Profile.OAUTH2, Wire.me(s, tokens.access()));

    s.faults().holdRefreshBeforeCommit(1);
    CompletableFuture<HttpResponse<String>> held =
        Wire.HTTP.sendAsync(Wire.refreshRequest(s, tokens.refresh()).build(), BodyHandlers.ofString());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> s.faults().heldRequests() == 1);
    assertThat(send(s, "POST", "release", null).statusCode()).isEqualTo(200);
    assertThat(held.handle((r, e) -> e).get(20, TimeUnit.SECONDS)).isNotNull(); // dropped without a response

    s.faults().failAlways(Endpoint.API, Faults.Fault.SERVER_ERROR);
    HttpResponse<String> reset = send(s, "POST", "reset", null);
    assertThat(reset.statusCode()).isEqualTo(200);
    assertThat(Wire.json(reset).path("loginCalls").asLong()).isZero();
    assertThat(s.counters().snapshot().values()).containsOnly(0L);
    assertThat(s.faults().rules()).isEmpty();
    assertThat(Wire.login(s).statusCode()).isEqualTo(200); // failed logins forgotten
    Wire.refreshTokens(s, tokens.refresh()); // the dropped refresh rotated nothing
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://localhost:5173", "http://127.0.0.1:3000", "https://localhost", "http://[::1]:8081",
      "http://127.1.2.3:80"})
  void aPageOfALoopbackOriginMayReadAndChangeIt(String origin) {
    AuthServer s = start(Profile.OAUTH2);
    HttpResponse<String> preflight = Wire.send(HttpRequest.newBuilder(admin(s, "faults"))
        .method("OPTIONS", BodyPublishers.noBody()).header("Origin", origin)
        .header("Access-Control-Request-Method", "DELETE").header("Access-Control-Request-Headers", "content-type"));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertAdminCors(preflight, origin);

    HttpResponse<String> set = Wire.send(HttpRequest.newBuilder(admin(s, "faults")).header("Origin", origin)
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"rules\":[\"api=not_json\"]}")));
    assertThat(set.statusCode()).isEqualTo(200);
    assertAdminCors(set, origin);
    assertThat(s.faults().rules()).hasSize(1);
    assertAdminCors(Wire.send(HttpRequest.newBuilder(admin(s, "counters")).header("Origin", origin).GET()), origin);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.example", "http://localhost.evil.example", "null", "http://10.0.0.5:5173",
      "file:///tmp/page.html"})
  void aPageOfAnyOtherOriginIsRefused(String origin) {
    AuthServer s = start(Profile.OAUTH2);
    HttpResponse<String> r = Wire.send(HttpRequest.newBuilder(admin(s, "faults")).header("Origin", origin)
        .header("Content-Type", "application/json").POST(BodyPublishers.ofString("{\"rules\":[\"api=not_json\"]}")));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(Wire.json(r).path("message").asText()).contains("loopback origins only");
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isNotEqualTo(java.util.Optional.of(origin));
    assertThat(s.faults().rules()).isEmpty();
    assertThat(Wire.send(HttpRequest.newBuilder(admin(s, "reset")).header("Origin", origin)
        .POST(BodyPublishers.noBody())).statusCode()).isEqualTo(403);
  }

  @Test
  void withoutAnOriginAnyClientMayUseIt() {
    AuthServer s = start(Profile.PUT_BEARER);
    HttpResponse<String> r = get(s, "counters");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(s.adminUri()).isEqualTo(URI.create(s.baseUri() + "/_admin/"));
  }

  private static void assertAdminCors(HttpResponse<String> r, String origin) {
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
    assertThat(r.headers().firstValue("Vary")).hasValue("Origin");
    assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, PUT, DELETE, OPTIONS");
    assertThat(r.headers().firstValue("Access-Control-Allow-Headers")).hasValue("Content-Type");
  }

  private static URI admin(AuthServer s, String path) {
    return s.adminUri().resolve(path);
  }

  private static HttpResponse<String> get(AuthServer s, String path) {
    return send(s, "GET", path, null);
  }

  private static HttpResponse<String> send(AuthServer s, String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(admin(s, path));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    return Wire.send(b.method(method, json == null ? BodyPublishers.noBody() : BodyPublishers.ofString(json)));
  }
}
