package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin endpoint: the same counters and faults as in Java, over HTTP, for front ends under test. */
class AdminEndpointTest extends ServerTestBase {

  private static URI admin(AuthServer s, String route) {
    return s.baseUri().resolve("/_admin/" + route);
  }

  private static HttpResponse<String> get(AuthServer s, String route) {
    return Wire.send(HttpRequest.newBuilder(admin(s, route)).header("Origin", "http://localhost:5173").GET());
  }

  private static HttpResponse<String> post(AuthServer s, String route, String json) {
    return Wire.send(Wire.postJson(admin(s, route), json));
  }

  @Test
  void theCountersOverHttpAreTheCountersInJava() {
    AuthServer s = start(Profile.CODE_1002);
    Wire.loginTokens(s);
    Wire.me(s, "not-a-token");
    HttpResponse<String> r = get(s, "counters");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).as("readable by a page of another origin")
        .isPresent();
    JsonNode counters = Wire.json(r);
    Map<String, Long> java = s.counters().snapshot();
    assertThat(counters.size()).isEqualTo(java.size());
    java.forEach((name, value) -> assertThat(counters.get(name).asLong()).as(name).isEqualTo(value));
    assertThat(counters.get("loginCalls").asLong()).isEqualTo(1);
    assertThat(counters.get("rejectedRequests").asLong()).isEqualTo(1);
    assertThat(r.body()).doesNotContain("eyJ");
  }

  @Test
  void faultsSetOverHttpAreInjectedAndCanBeReadBackAndCleared() {
    AuthServer s = start(Profile.OAUTH2);
    HttpResponse<String> set = post(s, "faults", "{\"rules\":[{\"endpoint\":\"refresh\",\"fault\":\"too_many_requests\","
        + "\"times\":1},{\"endpoint\":\"api\",\"fault\":\"server_error\",\"rate\":0}],\"latencyMillis\":{\"login\":5},"
        + "\"delayMillis\":1500}");
    assertThat(set.statusCode()).as(set.body()).isEqualTo(200);
    assertThat(Wire.json(get(s, "faults"))).isEqualTo(Wire.json(set.body()));
    assertThat(Wire.json(set).get("delayMillis").asLong()).isEqualTo(1500);
    assertThat(s.faults().latency(Endpoint.LOGIN).toMillis()).isEqualTo(5);

    HttpResponse<String> refresh = Wire.refresh(s, s.issueTokens("demo").refreshToken());
    assertThat(refresh.statusCode()).isEqualTo(429);
    assertThat(Wire.json(get(s, "counters")).get("faultsInjected").asLong()).isEqualTo(1);

    HttpResponse<String> cleared = Wire.send(HttpRequest.newBuilder(admin(s, "faults")).DELETE());
    assertThat(cleared.statusCode()).isEqualTo(204);
    assertThat(Wire.json(get(s, "faults")).get("rules")).isEmpty();
  }

  @Test
  void aBadBodyIsA400NamingTheProblemAndSetsNothing() {
    AuthServer s = start(Profile.OAUTH2);
    post(s, "faults", "{\"rules\":[{\"endpoint\":\"api\",\"fault\":\"server_error\",\"times\":2}]}");
    String before = get(s, "faults").body();
    String[][] cases = {
        {"not json", "not JSON"},
        {"[]", "must be a JSON object"},
        {"{\"rulez\":[]}", "unknown field \"rulez\""},
        {"{\"rules\":[{\"endpoint\":\"nowhere\",\"fault\":\"server_error\",\"times\":1}]}", "unknown endpoint 'nowhere'"},
        {"{\"rules\":[{\"endpoint\":\"api\",\"fault\":\"meltdown\",\"times\":1}]}", "unknown fault 'meltdown'"},
        {"{\"rules\":[{\"endpoint\":\"api\",\"fault\":\"server_error\"}]}", "exactly one of times, rate, always"},
        {"{\"rules\":[{\"endpoint\":\"api\",\"fault\":\"server_error\",\"rate\":2}]}", "rate must be a number from 0 to 1"},
        {"{\"rules\":[{\"endpoint\":\"login\",\"fault\":\"drop_after_commit\",\"times\":1}]}", "REFRESH only"},
        {"{\"latencyMillis\":{\"api\":-5}}", "whole milliseconds"},
    };
    for (String[] c : cases) {
      HttpResponse<String> r = post(s, "faults", c[0]);
      assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
      assertThat(Wire.json(r).get("error").asText()).as(c[0]).contains(c[1]);
    }
    assertThat(get(s, "faults").body()).as("nothing was set").isEqualTo(before);
  }

  @Test
  void expireAndResetAndUnknownRoutes() {
    AuthServer s = start(Profile.CODE_401);
    String access = s.issueTokens("demo").accessToken();
    assertThat(Wire.me(s, access).statusCode()).isEqualTo(200);
    assertThat(post(s, "expire", "").statusCode()).isEqualTo(204);
    Wire.assertExpired(Profile.CODE_401, Wire.me(s, access));

    assertThat(post(s, "reset", "").statusCode()).isEqualTo(204);
    assertThat(s.counters().snapshot().values()).containsOnly(0L);

    assertThat(get(s, "nothing").statusCode()).isEqualTo(404);
    assertThat(Wire.json(get(s, "nothing")).get("error").asText()).contains("GET /_admin/counters");
    assertThat(post(s, "counters", "").statusCode()).isEqualTo(405);
    HttpResponse<String> preflight = Wire.send(HttpRequest.newBuilder(admin(s, "faults"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://localhost:5173")
        .header("Access-Control-Request-Method", "POST"));
    assertThat(preflight.statusCode()).isEqualTo(204);
  }
}
