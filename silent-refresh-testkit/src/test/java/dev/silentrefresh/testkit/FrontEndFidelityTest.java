package dev.silentrefresh.testkit;

import static dev.silentrefresh.testkit.Wire.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.Tokens;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Where the published front ends of each convention (the axios interceptors these backends were written for)
 * expect something of the server, over real HTTP — and that the core dialect presets still read the replies.
 */
class FrontEndFidelityTest extends ServerTestBase {

  @Test
  void putBearerLoginNamesTheRefreshTokenRefreshTokenAsItsFrontEndKeepsIt() {
    AuthServer s = start(Profile.PUT_BEARER);
    JsonNode user = json(Wire.login(s)).path("data"); // what the front end keeps as its user object
    String refresh = user.path("refresh_token").asText();
    assertThat(refresh).isNotEmpty().isEqualTo(user.path("refreshToken").asText());

    HttpResponse<String> refreshed = Wire.send(HttpRequest.newBuilder(s.refreshUri())
        .header("Authorization", "Bearer " + refresh).PUT(BodyPublishers.noBody()));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    assertThat(ProtocolTest.fieldNames(json(refreshed))).containsExactly("data", "data.token");
    Wire.assertMe(Profile.PUT_BEARER, Wire.me(s, json(refreshed).path("data").path("token").asText()));
  }

  @Test
  void putBearerNeverRotatesEvenWhenRotationIsAskedFor() {
    AuthServer s = start(Profile.PUT_BEARER, b -> b.rotation(true));
    String refresh = Wire.loginTokens(s).refresh();
    Wire.refreshTokens(s, refresh);
    Wire.refreshTokens(s, refresh); // the same token again: nothing was rotated, no reuse
    assertThat(s.counters().reuseDetected()).isZero();
    assertThat(Profile.PUT_BEARER.rotates()).isFalse();
    assertThat(Profile.CODE_1002.rotates()).isTrue();
  }

  @Test
  void code1002TakesTheClientCredentialItIsGivenAndNoOther() {
    AuthServer s = start(Profile.CODE_1002, b -> b.clientCredential("front-end-app-key"));
    String refresh = Wire.loginTokens(s).refresh();
    HttpResponse<String> builtIn = Wire.send(Wire.postJson(s.refreshUri(),
        "{\"refreshToken\":" + Wire.quote(refresh) + ",\"authorization\":\"demo-app-credential\"}"));
    assertThat(builtIn.statusCode()).isEqualTo(403);

    HttpResponse<String> given = Wire.send(Wire.postJson(s.refreshUri(),
        "{\"refreshToken\":" + Wire.quote(refresh) + ",\"authorization\":\"front-end-app-key\"}"));
    assertThat(given.statusCode()).isEqualTo(200);
    assertThat(s.dialect().readTokens(given.body().getBytes(StandardCharsets.UTF_8)).refreshToken()).isNotEqualTo(refresh);
  }

  @Test
  void code50014SucceedsWithCodeZeroEverywhere() {
    AuthServer s = start(Profile.CODE_50014);
    HttpResponse<String> login = Wire.login(s);
    assertThat(json(login).path("code").asInt(-1)).isZero();
    Wire.Tokens tokens = Wire.tokens(Profile.CODE_50014, Endpoint.LOGIN, json(login));

    HttpResponse<String> me = Wire.me(s, tokens.access());
    assertThat(json(me)).isEqualTo(json("{\"code\":0,\"data\":" + Wire.ME + "}"));
    assertThat(json(Wire.refresh(s, tokens.refresh())).path("code").asInt(-1)).isZero();
  }

  @Test
  void code401ErrorsCarryMsgWhereItsFrontEndReadsIt() {
    AuthServer s = start(Profile.CODE_401);
    List<HttpResponse<String>> errors = List.of(
        Wire.login(s, "demo", "wrong"),
        Wire.me(s, "not-a-token"),
        Wire.refresh(s, "unknown-refresh-token"),
        Wire.send(Wire.postJson(s.loginUri(), "{broken")),
        Wire.send(HttpRequest.newBuilder(s.apiUri("/nowhere")).GET()),
        Wire.api(s, "/api/redirect?to=nowhere", Wire.loginTokens(s).access()));
    for (HttpResponse<String> r : errors) {
      JsonNode body = json(r);
      assertThat(body.path("msg").asText()).as(r.body()).isNotEmpty().isEqualTo(body.path("message").asText());
      assertThat(body.path("code").isInt()).as(r.body()).isTrue();
    }
  }

  @Test
  void code401PreflightAllowsTheIsTokenHeaderOfItsRefreshCall() {
    AuthServer s = start(Profile.CODE_401);
    HttpResponse<String> preflight = Wire.send(HttpRequest.newBuilder(URI.create(s.refreshUri() + "?refreshToken=x"))
        .method("OPTIONS", BodyPublishers.noBody())
        .header("Origin", "http://127.0.0.1:5173")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "istoken,token"));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(CorsTest.allowedHeaders(preflight)).contains("istoken", "token");
    assertThat(s.counters().refreshCalls()).isZero();
  }

  @Test
  void oauth2TokenRepliesAreNeverCached() {
    AuthServer s = start(Profile.OAUTH2);
    HttpResponse<String> login = Wire.login(s);
    String refresh = json(login).path("refresh_token").asText();
    List<HttpResponse<String>> tokenReplies = List.of(login,
        Wire.refresh(s, refresh),
        Wire.refresh(s, "unknown-refresh-token"),
        Wire.login(s, "demo", "wrong"),
        Wire.send(Wire.postForm(s.refreshUri(), "grant_type=refresh_token&refresh_token=x&client_id=other")),
        Wire.send(Wire.postForm(s.refreshUri(), "grant_type=device_code&client_id=" + s.clientId())));
    assertThat(tokenReplies).extracting(HttpResponse::statusCode).containsExactly(200, 200, 400, 400, 401, 400);
    for (HttpResponse<String> r : tokenReplies) {
      assertThat(r.headers().firstValue("Cache-Control")).as(r.body()).hasValue("no-store");
      assertThat(r.headers().firstValue("Pragma")).as(r.body()).hasValue("no-cache");
    }
    assertThat(Wire.me(s, json(login).path("access_token").asText()).headers().firstValue("Cache-Control")).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void theCoreDialectStillReadsEveryLoginAndRefreshReply(Profile p) {
    AuthServer s = start(p);
    HttpResponse<String> login = Wire.login(s);
    Tokens signedIn = s.dialect().readTokens(login.body().getBytes(StandardCharsets.UTF_8));
    assertThat(signedIn.accessToken()).isNotEmpty();
    assertThat(signedIn.refreshToken()).isNotEmpty();

    HttpResponse<String> refreshed = Wire.refresh(s, signedIn.refreshToken());
    Tokens next = s.dialect().readTokens(refreshed.body().getBytes(StandardCharsets.UTF_8));
    Wire.assertMe(p, Wire.me(s, next.accessToken()));
  }
}
