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
    HttpResponse<String> missing = token(passwordGrant() + "&client_id=" + enc(server.clientId()), null);
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(json(missing).get("error").asText()).isEqualTo("invalid_client");

    HttpResponse<String> both = token(passwordGrant() + "&client_id=" + enc(server.clientId()) + "&client_secret=" + enc(SECRET),
        basic(server.clientId(), SECRET));
    assertThat(both.statusCode()).isEqualTo(400);
    assertThat(json(both).get("error").asText()).isEqualTo("invalid_request");
  }

  @Test
  void clientCredentialsSignsTheClientInAsItselfWithARefreshToken() {
    HttpResponse<String> login = token("grant_type=client_credentials&scope=read", basic(server.clientId(), SECRET));
    assertThat(login.statusCode()).isEqualTo(200);
    JsonNode tokens = json(login);
    assertThat(tokens.get("access_token").asText()).isNotEmpty();
    assertThat(tokens.get("refresh_token").asText()).isNotEmpty();

    HttpResponse<String> api = Wire.send(HttpRequest.newBuilder(server.apiUri("/api/me"))
        .header("Authorization", "Bearer " + tokens.get("access_token").asText()));
    assertThat(api.statusCode()).isEqualTo(200);

    assertThat(token("grant_type=client_credentials", basic(server.clientId(), "nope")).statusCode()).isEqualTo(401);
  }

  @Test
  void aPublicClientKeepsItsBehaviourAndCannotUseClientCredentials() {
    try (AuthServer open = AuthServer.builder(Profile.OAUTH2).start()) {
      assertThat(open.clientSecret()).isNull();
      HttpResponse<String> cc = Wire.send(postForm(open.refreshUri(), "grant_type=client_credentials&client_id=" + enc(open.clientId())));
      assertThat(cc.statusCode()).isEqualTo(400);
      assertThat(json(cc).get("error").asText()).isEqualTo("unauthorized_client");
      assertThat(Wire.login(open).statusCode()).isEqualTo(200);
    }
  }
}
