package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The client side of each profile, written from the wire protocol in the brief (not from the server code), so
 * the tests check the server against the spec.
 */
final class Wire {
  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5))
      .build();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ME = "{\"id\":9223372036854775807,\"username\":\"demo\",\"displayName\":\"Demo User\"}";

  record Tokens(String access, String refresh) {
  }

  private Wire() {
  }

  static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError("HTTP failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + text, e);
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static HttpRequest.Builder postJson(URI uri, String body) {
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body));
  }

  static HttpRequest.Builder postForm(URI uri, String body) {
    return HttpRequest.newBuilder(uri).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(BodyPublishers.ofString(body));
  }

  // ---- login

  static HttpResponse<String> login(AuthServer s) {
    return login(s, s.username(), s.password());
  }

  static HttpResponse<String> login(AuthServer s, String user, String password) {
    if (s.profile() == Profile.OAUTH2) {
      return send(postForm(s.loginUri(), "grant_type=password&username=" + enc(user) + "&password=" + enc(password)
          + "&client_id=" + enc(s.clientId())));
    }
    String body = "{\"username\":" + quote(user) + ",\"password\":" + quote(password) + "}";
    return send(postJson(s.loginUri(), body));
  }

  static Tokens loginTokens(AuthServer s) {
    HttpResponse<String> r = login(s);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return tokens(s.profile(), Endpoint.LOGIN, json(r));
  }

  // ---- refresh

  static HttpRequest.Builder refreshRequest(AuthServer s, String refreshToken) {
    switch (s.profile()) {
      case OAUTH2:
        return postForm(s.refreshUri(), "grant_type=refresh_token&refresh_token=" + enc(refreshToken)
            + "&client_id=" + enc(s.clientId()));
      case PUT_BEARER:
        return HttpRequest.newBuilder(s.refreshUri()).header("Authorization", "Bearer " + refreshToken)
            .PUT(BodyPublishers.noBody());
      case CODE_1002:
        return postJson(s.refreshUri(), "{\"refreshToken\":" + quote(refreshToken) + ",\"authorization\":"
            + quote(s.clientCredential()) + "}");
      case CODE_50014:
        return HttpRequest.newBuilder(URI.create(s.refreshUri() + refreshToken)).POST(BodyPublishers.noBody());
      case CODE_401:
        return HttpRequest.newBuilder(URI.create(s.refreshUri() + "?refreshToken=" + enc(refreshToken)))
            .POST(BodyPublishers.noBody());
      default:
        throw new AssertionError(s.profile());
    }
  }

  static HttpResponse<String> refresh(AuthServer s, String refreshToken) {
    return send(refreshRequest(s, refreshToken));
  }

  /** Refreshes and expects success; for PUT_BEARER (no refresh token in the reply) the old one is kept. */
  static Tokens refreshTokens(AuthServer s, String refreshToken) {
    HttpResponse<String> r = refresh(s, refreshToken);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    Tokens t = tokens(s.profile(), Endpoint.REFRESH, json(r));
    assertThat(t.access()).as("access token in %s", r.body()).isNotBlank();
    return t.refresh() == null ? new Tokens(t.access(), refreshToken) : t;
  }

  /** The token fields of a login/refresh reply, null where absent or not a string. */
  static Tokens tokens(Profile p, Endpoint e, JsonNode body) {
    switch (p) {
      case OAUTH2:
        return new Tokens(text(body.get("access_token")), text(body.get("refresh_token")));
      case PUT_BEARER:
        return new Tokens(text(body.path("data").get("token")), text(body.path("data").get("refreshToken")));
      case CODE_1002:
        return new Tokens(text(body.get("token")), text(body.get("refreshToken")));
      case CODE_50014:
        return new Tokens(text(body.path("data").get("token")), text(body.path("data").get("refreshToken")));
      case CODE_401:
        return new Tokens(text(body.path("data").get("accessToken")), text(body.path("data").get("refreshToken")));
      default:
        throw new AssertionError(p);
    }
  }

  /** The raw access-token node of a login/refresh reply (to check types), or a missing node. */
  static JsonNode accessNode(Profile p, JsonNode body) {
    switch (p) {
      case OAUTH2:
        return body.path("access_token");
      case CODE_1002:
        return body.path("token");
      case CODE_401:
        return body.path("data").path("accessToken");
      default:
        return body.path("data").path("token");
    }
  }

  private static String text(JsonNode n) {
    return n != null && n.isTextual() ? n.asText() : null;
  }

  // ---- API

  static HttpRequest.Builder withAccess(HttpRequest.Builder b, Profile p, String access) {
    switch (p) {
      case CODE_50014:
        return b.header("X-Token", access);
      case CODE_401:
        return b.header("token", access);
      default:
        return b.header("Authorization", "Bearer " + access);
    }
  }

  static HttpResponse<String> api(AuthServer s, String path, String access) {
    HttpRequest.Builder b = HttpRequest.newBuilder(s.apiUri(path)).GET();
    return send(access == null ? b : withAccess(b, s.profile(), access));
  }

  static HttpResponse<String> me(AuthServer s, String access) {
    return api(s, "/api/me", access);
  }

  /** The exact /api/me success body of each profile. */
  static String meBody(Profile p) {
    switch (p) {
      case OAUTH2:
        return ME;
      case PUT_BEARER:
        return "{\"data\":" + ME + "}";
      default:
        return "{\"code\":0,\"data\":" + ME + "}";
    }
  }

  static void assertMe(Profile p, HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(r.body()).contains("9223372036854775807");
    assertThat(json(r)).isEqualTo(json(meBody(p)));
  }

  /** The profile's "access token expired" reply. */
  static void assertExpired(Profile p, HttpResponse<String> r) {
    switch (p) {
      case OAUTH2:
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
            .hasValue("Bearer error=\"invalid_token\", error_description=\"The access token expired\"");
        assertThat(json(r)).isEqualTo(json("{\"error\":\"invalid_token\"}"));
        break;
      case PUT_BEARER:
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(json(r)).isEqualTo(json("{\"message\":\"token expired\"}"));
        break;
      case CODE_1002:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).isEqualTo(json("{\"code\":1002,\"message\":\"token expired\"}"));
        break;
      case CODE_50014:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).isEqualTo(json("{\"code\":50014,\"message\":\"Token expired\"}"));
        break;
      case CODE_401:
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r)).isEqualTo(json("{\"code\":401,\"msg\":\"token expired\",\"message\":\"token expired\"}"));
        break;
      default:
        throw new AssertionError(p);
    }
  }

  /** The profile's reply for a forged or garbage access token. */
  static void assertInvalid(Profile p, HttpResponse<String> r) {
    switch (p) {
      case OAUTH2:
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
            .hasValue("Bearer error=\"invalid_token\", error_description=\"The access token is invalid\"");
        assertThat(json(r)).isEqualTo(json("{\"error\":\"invalid_token\"}"));
        break;
      case CODE_50014:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r)).isEqualTo(json("{\"code\":50008,\"message\":\"Illegal token\"}"));
        break;
      default:
        assertExpired(p, r);
    }
  }

  /** The profile's reply for a request without any access token. */
  static void assertMissing(Profile p, HttpResponse<String> r) {
    if (p == Profile.OAUTH2) {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"silent-refresh\"");
    } else {
      assertExpired(p, r);
    }
  }

  /** The profile's "dead refresh token" reply. */
  static void assertDead(Profile p, HttpResponse<String> r) {
    JsonNode body = json(r);
    switch (p) {
      case OAUTH2:
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body.path("error").asText()).isEqualTo("invalid_grant");
        assertThat(body.path("error_description").isTextual()).isTrue();
        break;
      case PUT_BEARER:
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(body).isEqualTo(json("{\"message\":\"refresh token invalid\"}"));
        break;
      case CODE_1002:
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(body).isEqualTo(json("{\"code\":401,\"message\":\"refresh token expired\"}"));
        break;
      case CODE_50014:
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(body).isEqualTo(json("{\"code\":10007,\"message\":\"refresh token expired\"}"));
        break;
      case CODE_401:
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(body).isEqualTo(json("{\"code\":402,\"msg\":\"refresh token expired\",\"message\":\"refresh token expired\"}"));
        break;
      default:
        throw new AssertionError(p);
    }
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
