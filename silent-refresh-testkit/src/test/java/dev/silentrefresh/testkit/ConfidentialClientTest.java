package dev.silentrefresh.testkit;

import static dev.silentrefresh.testkit.Wire.enc;
import static dev.silentrefresh.testkit.Wire.json;
import static dev.silentrefresh.testkit.Wire.postForm;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** OAuth2 confidential clients (RFC 6749 §2.3.1) and the client_credentials grant (§4.4), over real HTTP. */
class ConfidentialClientTest {
  private static final String SECRET = "s3cret with spaces&symbols:=";
  private final AuthServer server = AuthServer.builder(Profile.OAUTH2).clientSecret(SECRET).start();

  @AfterEach
  void close() {
    server.close();
  }

  private static String basic(String id, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((enc(id) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
  }

  private HttpResponse<String> token(String form, String authorization) {
    HttpRequest.Builder request = postForm(server.refreshUri(), form);
    if (authorization != null) request.header("Authorization", authorization);
    return Wire.send(request);
  }

  private String passwordGrant() {
    return "grant_type=password&username=" + enc(server.username()) + "&password=" + enc(server.password());
  }

  @Test
  void basicAuthenticationSignsInAndRefreshesWithRotation() {
    HttpResponse<String> login = token(passwordGrant(), basic(server.clientId(), SECRET));
    assertThat(login.statusCode()).isEqualTo(200);
    String refresh = json(login).get("refresh_token").asText();

    HttpResponse<String> refreshed = token("grant_type=refresh_token&refresh_token=" + enc(refresh), basic(server.clientId(), SECRET));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    assertThat(json(refreshed).get("refresh_token").asText()).isNotEqualTo(refresh);
    assertThat(server.counters().refreshSucceeded()).isEqualTo(1);
  }

  @Test
  void postAuthenticationSignsInAndRefreshes() {
    String client = "&client_id=" + enc(server.clientId()) + "&client_secret=" + enc(SECRET);
    HttpResponse<String> login = token(passwordGrant() + client, null);
    assertThat(login.statusCode()).isEqualTo(200);
    String refresh = json(login).get("refresh_token").asText();
    assertThat(token("grant_type=refresh_token&refresh_token=" + enc(refresh) + client, null).statusCode()).isEqualTo(200);
  }

  @Test
  void aWrongMissingOrDoubledClientAuthenticationIsRefused() {
    HttpResponse<String> wrongBasic = token(passwordGrant(), basic(server.clientId(), "nope"));
    assertThat(wrongBasic.statusCode()).isEqualTo(401);
    assertThat(json(wrongBasic).get("error").asText()).isEqualTo("invalid_client");
    assertThat(wrongBasic.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"silent-refresh\"");
    assertThat(wrongBasic.body()).doesNotContain("nope").doesNotContain(SECRET);

    assertThat(token(passwordGrant(), basic("someone-else", SECRET)).statusCode()).isEqualTo(401);
    assertThat(token(passwordGrant(), "Basic !!!not-base64").statusCode()).isEqualTo(401);
    assertThat(token(passwordGrant() + "&client_id=" + enc(server.clientId()) + "&client_secret=nope", null).statusCode())
        .isEqualTo(401);
    HttpResponse<String> wrongPost = token(passwordGrant() + "&client_id=" + enc(server.clientId())
        + "&client_secret=" + enc(SECRET + "x"), null);
    assertThat(wrongPost.statusCode()).isEqualTo(401);
    assertThat(json(wrongPost)).isEqualTo(json("{\"error\":\"invalid_client\"}"));
    assertThat(wrongPost.headers().firstValue("WWW-Authenticate")).isEmpty(); // Basic was not attempted
    HttpResponse<String> missing = token(passwordGrant() + "&client_id=" + enc(server.clientId()), null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing).get("error").asText()).isEqualTo("invalid_client");
    HttpResponse<String> none = token(passwordGrant(), null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(json(none).get("error").asText()).isEqualTo("invalid_client");

    HttpResponse<String> both = token(passwordGrant() + "&client_id=" + enc(server.clientId()) + "&client_secret=" + enc(SECRET),
        basic(server.clientId(), SECRET));
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(json(both).get("error").asText()).isEqualTo("invalid_request");
    assertThat(both.body()).doesNotContain(SECRET);

    assertThat(server.counters().loginCalls()).isEqualTo(8); // each refused one was still a call to the endpoint
  }

  @Test
  void refreshRefusesAClientThatDoesNotAuthenticateAndKeepsTheTokenAlive() {
    HttpResponse<String> login = token(passwordGrant(), basic(server.clientId(), SECRET));
    String refresh = json(login).get("refresh_token").asText();
    String grant = "grant_type=refresh_token&refresh_token=" + enc(refresh);

    HttpResponse<String> wrong = token(grant, basic(server.clientId(), "nope"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(json(wrong).get("error").asText()).isEqualTo("invalid_client");
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"silent-refresh\"");
    assertThat(token(grant + "&client_id=" + enc(server.clientId()), null).statusCode()).isEqualTo(401);
    assertThat(token(grant + "&client_id=" + enc(server.clientId()) + "&client_secret=" + enc(SECRET),
        basic(server.clientId(), SECRET)).statusCode()).isEqualTo(400);
    assertThat(server.counters().refreshSucceeded()).isZero();
    assertThat(server.counters().refreshRejected()).isZero();

    // none of that spent the refresh token
    assertThat(token(grant, basic(server.clientId(), SECRET)).statusCode()).isEqualTo(200);
  }

  @Test
  void clientCredentialsSignsTheClientInAsItselfWithARefreshToken() {
    HttpResponse<String> login = token("grant_type=client_credentials&scope=read", basic(server.clientId(), SECRET));
    assertThat(login.statusCode()).isEqualTo(200);
    JsonNode tokens = json(login);
    assertThat(tokens.get("access_token").asText()).isNotEmpty();
    assertThat(tokens.get("refresh_token").asText()).isNotEmpty();
    assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
    assertThat(tokens.get("expires_in").asLong()).isPositive();
    assertThat(tokens.get("refresh_expires_in").asLong()).isPositive();
    assertThat(server.counters().loginCalls()).isEqualTo(1);

    HttpResponse<String> api = Wire.send(HttpRequest.newBuilder(server.apiUri("/api/me"))
        .header("Authorization", "Bearer " + tokens.get("access_token").asText()));
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(json(api).get("username").asText()).isEqualTo(server.clientId());

    assertThat(token("grant_type=client_credentials", basic(server.clientId(), "nope")).statusCode()).isEqualTo(401);
  }

  @Test
  void clientCredentialsByPostNeedsNoUserAndItsRefreshTokenRotates() {
    String client = "&client_id=" + enc(server.clientId()) + "&client_secret=" + enc(SECRET);
    // username/password are not looked at: the client signs in as itself
    HttpResponse<String> login = token("grant_type=client_credentials&username=demo&password=wrong" + client, null);
    assertThat(login.statusCode()).isEqualTo(200);
    String refresh = json(login).get("refresh_token").asText();

    HttpResponse<String> refreshed = token("grant_type=refresh_token&refresh_token=" + enc(refresh), basic(server.clientId(), SECRET));
    assertThat(refreshed.statusCode()).isEqualTo(200);
    String rotated = json(refreshed).get("refresh_token").asText();
    assertThat(rotated).isNotEqualTo(refresh);
    HttpResponse<String> api = Wire.me(server, json(refreshed).get("access_token").asText());
    assertThat(json(api).get("username").asText()).isEqualTo(server.clientId());

    HttpResponse<String> replayed = token("grant_type=refresh_token&refresh_token=" + enc(refresh) + client, null);
    Wire.assertDead(Profile.OAUTH2, replayed);
    assertThat(server.counters().loginCalls()).isEqualTo(1);
    assertThat(server.counters().refreshSucceeded()).isEqualTo(1);
  }

  @Test
  void aPublicClientKeepsItsBehaviourAndCannotUseClientCredentials() {
    try (AuthServer open = AuthServer.builder(Profile.OAUTH2).start()) {
      assertThat(open.clientSecret()).isNull();
      HttpResponse<String> cc = Wire.send(postForm(open.refreshUri(), "grant_type=client_credentials&client_id=" + enc(open.clientId())));
      assertThat(cc.statusCode()).isEqualTo(400);
      assertThat(json(cc).get("error").asText()).isEqualTo("unauthorized_client");
      Wire.Tokens tokens = Wire.loginTokens(open);
      Wire.Tokens refreshed = Wire.refreshTokens(open, tokens.refresh());
      assertThat(refreshed.refresh()).isNotEqualTo(tokens.refresh());
      Wire.assertMe(Profile.OAUTH2, Wire.me(open, refreshed.access()));

      // a public client is still checked by client_id alone: none, or another one, is invalid_client
      HttpResponse<String> noId = Wire.send(postForm(open.refreshUri(),
          "grant_type=refresh_token&refresh_token=" + enc(refreshed.refresh())));
      assertThat(noId.statusCode()).isEqualTo(401);
      assertThat(json(noId)).isEqualTo(json("{\"error\":\"invalid_client\"}"));
      assertThat(noId.headers().firstValue("WWW-Authenticate")).isEmpty();
    }
  }
}
