package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HTTP-level behaviour shared by the profiles: CORS, size limit, bad input, routing, client checks. */
class HttpBehaviourTest extends ServerTestBase {

  @ParameterizedTest
  @EnumSource(Profile.class)
  void corsPreflightAndCorsHeadersOnEveryReply(Profile p) {
    AuthServer s = start(p);
    HttpResponse<String> preflight = Wire.send(HttpRequest.newBuilder(s.refreshUri())
        .method("OPTIONS", BodyPublishers.noBody())
        .header("Origin", "http://localhost:5173")
        .header("Access-Control-Request-Method", "POST"));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertCors(preflight, "http://localhost:5173");
    assertThat(preflight.headers().firstValue("Access-Control-Max-Age")).hasValue("600");
    assertThat(preflight.body()).isEmpty();

    assertCors(Wire.login(s), "*"); // no Origin: not a browser's cross-origin request
    assertCors(Wire.me(s, null), "*");
    assertCors(Wire.send(HttpRequest.newBuilder(s.apiUri("/nowhere")).GET()), "*");
    assertThat(s.counters().snapshot().values()).containsOnly(0L, 1L); // the preflight counted nothing
  }

  static void assertCors(HttpResponse<String> r, String allowedOrigin) {
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(allowedOrigin);
    assertThat(r.headers().firstValue("Access-Control-Allow-Credentials"))
        .isEqualTo(allowedOrigin.equals("*") ? Optional.empty() : Optional.of("true"));
    assertThat(r.headers().firstValue("Vary")).hasValue("Origin");
    assertThat(r.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("Authorization, Content-Type, X-Token, token, isToken, repeatSubmit, X-Requested-With");
    assertThat(r.headers().firstValue("Access-Control-Allow-Methods")).hasValue("GET, POST, PUT, DELETE, OPTIONS");
    assertThat(r.headers().firstValue("Access-Control-Expose-Headers")).hasValue("WWW-Authenticate, Retry-After, Date");
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void oversizedBodiesGet413(Profile p) {
    AuthServer s = start(p);
    byte[] big = new byte[64 * 1024 + 1];
    Arrays.fill(big, (byte) 'a');
    HttpResponse<String> withLength = Wire.send(HttpRequest.newBuilder(s.loginUri())
        .header("Content-Type", "application/json").POST(BodyPublishers.ofByteArray(big)));
    assertThat(withLength.statusCode()).isEqualTo(413);
    assertThat(withLength.headers().firstValue("Content-Type")).hasValue("application/json");
    Wire.json(withLength);

    HttpResponse<String> chunked = Wire.send(HttpRequest.newBuilder(s.loginUri())
        .header("Content-Type", "application/json")
        .POST(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertThat(chunked.statusCode()).isEqualTo(413);

    byte[] justFits = Arrays.copyOf(big, 64 * 1024);
    HttpResponse<String> fits = Wire.send(HttpRequest.newBuilder(s.loginUri())
        .header("Content-Type", "application/json").POST(BodyPublishers.ofByteArray(justFits)));
    assertThat(fits.statusCode()).isEqualTo(400); // read in full, then refused as malformed
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = "OAUTH2", mode = EnumSource.Mode.EXCLUDE)
  void malformedJsonLoginIs400(Profile p) {
    AuthServer s = start(p);
    for (String body : new String[] {"{\"username\":", "", "not json", "{\"username\":\"demo\"} trailing"}) {
      HttpResponse<String> r = Wire.send(Wire.postJson(s.loginUri(), body));
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(Wire.json(r).path("message").isTextual()).isTrue();
    }
    // well-formed but wrong: a credentials error, not a 5xx
    for (String body : new String[] {"[]", "{}", "{\"username\":1,\"password\":2}", "null"}) {
      assertThat(Wire.send(Wire.postJson(s.loginUri(), body)).statusCode()).as(body).isEqualTo(401);
    }
  }

  @Test
  void malformedOAuthFormIs400() {
    AuthServer s = start(Profile.OAUTH2);
    HttpResponse<String> r = Wire.send(Wire.postForm(s.loginUri(), "grant_type=password&username=%zz"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(Wire.json(r).path("error").asText()).isEqualTo("invalid_request");
    assertThat(Wire.send(Wire.postForm(s.loginUri(), "username=demo")).statusCode()).isEqualTo(400);
  }

  @Test
  void malformedRenewalBodyIs400() {
    AuthServer s = start(Profile.CODE_1002);
    HttpResponse<String> r = Wire.send(Wire.postJson(s.refreshUri(), "{\"refreshToken\""));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(s.counters().refreshCalls()).isEqualTo(1);
    assertThat(s.counters().refreshRejected()).isZero();
  }

  @Test
  void oauthClientAndGrantChecks() {
    AuthServer s = start(Profile.OAUTH2, b -> b.clientId("my-spa"));
    IssuedTokens tokens = s.issueTokens("demo");

    HttpResponse<String> wrongClient = Wire.send(Wire.postForm(s.refreshUri(),
        "grant_type=refresh_token&refresh_token=" + tokens.refreshToken() + "&client_id=other"));
    assertThat(wrongClient.statusCode()).isEqualTo(401);
    assertThat(Wire.json(wrongClient)).isEqualTo(Wire.json("{\"error\":\"invalid_client\"}"));
    HttpResponse<String> noClient = Wire.send(Wire.postForm(s.refreshUri(),
        "grant_type=refresh_token&refresh_token=" + tokens.refreshToken()));
    assertThat(noClient.statusCode()).isEqualTo(401);
    assertThat(s.counters().refreshCalls()).isEqualTo(2);
    assertThat(s.counters().refreshRejected()).isZero();

    HttpResponse<String> publicClient = Wire.send(Wire.postForm(s.refreshUri(),
        "grant_type=client_credentials&client_id=my-spa"));
    assertThat(publicClient.statusCode()).isEqualTo(400);
    assertThat(Wire.json(publicClient).get("error").asText()).isEqualTo("unauthorized_client"); // RFC 6749 §5.2

    HttpResponse<String> unsupported = Wire.send(Wire.postForm(s.refreshUri(),
        "grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id=my-spa"));
    assertThat(unsupported.statusCode()).isEqualTo(400);
    assertThat(Wire.json(unsupported)).isEqualTo(Wire.json("{\"error\":\"unsupported_grant_type\"}"));

    assertThat(s.loginUri()).isEqualTo(s.refreshUri()).isEqualTo(URI.create(s.baseUri() + "/oauth/token"));
    Wire.refreshTokens(s, tokens.refreshToken()); // the right client still works
  }

  @Test
  void code1002ChecksTheClientCredential() {
    AuthServer s = start(Profile.CODE_1002, b -> b.clientCredential("app-secret"));
    IssuedTokens tokens = s.issueTokens("demo");
    HttpResponse<String> r = Wire.send(Wire.postJson(s.refreshUri(),
        "{\"refreshToken\":\"" + tokens.refreshToken() + "\",\"authorization\":\"nope\"}"));
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(Wire.json(r)).isEqualTo(Wire.json("{\"code\":403,\"message\":\"bad client credential\"}"));
    Wire.refreshTokens(s, tokens.refreshToken());
  }

  @Test
  void endpointUrisPerProfile() {
    for (Profile p : Profile.values()) {
      AuthServer s = start(p);
      String base = s.baseUri().toString();
      assertThat(base).matches("http://127\\.0\\.0\\.1:\\d+");
      assertThat(s.apiUri("/api/me").toString()).isEqualTo(base + "/api/me");
      String[] expected = switch (p) {
        case OAUTH2 -> new String[] {"/oauth/token", "/oauth/token"};
        case PUT_BEARER -> new String[] {"/v1_0/authorizations", "/v1_0/authorizations"};
        case CODE_1002 -> new String[] {"/app/login", "/app/renewal"};
        case CODE_50014 -> new String[] {"/user/login", "/refreshJwt/"};
        case CODE_401 -> new String[] {"/login", "/token/refresh"};
      };
      assertThat(s.loginUri().toString()).isEqualTo(base + expected[0]);
      assertThat(s.refreshUri().toString()).isEqualTo(base + expected[1]);
    }
  }

  @Test
  void unknownPathsAndMethodsAreJsonClientErrors() {
    AuthServer s = start(Profile.PUT_BEARER);
    HttpResponse<String> notFound = Wire.send(HttpRequest.newBuilder(s.apiUri("/nope")).GET());
    assertThat(notFound.statusCode()).isEqualTo(404);
    Wire.json(notFound);
    HttpResponse<String> wrongMethod = Wire.send(HttpRequest.newBuilder(s.loginUri()).GET());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    Wire.json(wrongMethod);
    assertThat(s.counters().loginCalls()).isZero();
  }
}
