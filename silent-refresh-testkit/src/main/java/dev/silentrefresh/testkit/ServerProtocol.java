package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * One profile's wire protocol: where its endpoints are, how requests carry credentials and tokens, and the
 * exact shape of every reply. The server logic ({@link AuthLogic}) is written once against this codec.
 */
abstract class ServerProtocol {

  /** The values of a token reply; a null token field is left out of the reply. */
  static final class TokenFields {
    final JsonNode access;
    final JsonNode refresh;
    final long expiresIn;
    final long refreshExpiresIn;

    TokenFields(JsonNode access, JsonNode refresh, long expiresIn, long refreshExpiresIn) {
      this.access = access;
      this.refresh = refresh;
      this.expiresIn = expiresIn;
      this.refreshExpiresIn = refreshExpiresIn;
    }
  }

  /** Where a request goes: an endpoint, or a reply given at once (404, 405, 400). */
  static final class Route {
    final Endpoint endpoint;
    final Reply reply;

    private Route(Endpoint endpoint, Reply reply) {
      this.endpoint = endpoint;
      this.reply = reply;
    }

    static Route to(Endpoint endpoint) {
      return new Route(endpoint, null);
    }

    static Route answer(Reply reply) {
      return new Route(null, reply);
    }
  }

  /**
   * What a login request presented; {@code rejection} set when it is refused before the password check.
   * {@code clientOnly}: an authenticated client signing in as itself (OAuth2 {@code client_credentials}), with
   * no password to check; {@code username} is then the client id.
   */
  static final class LoginRequest {
    final String username;
    final String password;
    final Reply rejection;
    final boolean clientOnly;

    LoginRequest(String username, String password, Reply rejection) {
      this(username, password, rejection, false);
    }

    LoginRequest(String username, String password, Reply rejection, boolean clientOnly) {
      this.username = username;
      this.password = password;
      this.rejection = rejection;
      this.clientOnly = clientOnly;
    }
  }

  /** What a refresh request presented; {@code rejection} set when refused before the token check. */
  static final class RefreshRequest {
    final String token;
    final Reply rejection;

    RefreshRequest(String token, Reply rejection) {
      this.token = token;
      this.rejection = rejection;
    }
  }

  static ServerProtocol of(Profile profile, String clientId, String clientSecret, String clientCredential) {
    switch (profile) {
      case OAUTH2:
        return new OAuth2Protocol(clientId, clientSecret);
      case PUT_BEARER:
        return new PutBearerProtocol();
      case CODE_1002:
        return new Code1002Protocol(clientCredential);
      case CODE_50014:
        return new Code50014Protocol();
      case CODE_401:
        return new Code401Protocol();
      default:
        throw new IllegalArgumentException("no protocol for " + profile);
    }
  }

  /** Path of the login endpoint. */
  abstract String loginPath();

  /** Path (or path prefix) of the refresh endpoint, as clients should be configured with it. */
  abstract String refreshPath();

  /** What stands right before the refresh token in the refresh URL, when this protocol puts it there; else null. */
  String refreshTokenUrlPart() {
    return null;
  }

  /** Routes a request: {@code /api} and below is the API, the rest is up to the profile. */
  final Route route(HttpCall call) {
    if (call.path.equals("/api") || call.path.startsWith("/api/")) {
      return Route.to(Endpoint.API);
    }
    return routeAuth(call);
  }

  /** Routes a non-API request to LOGIN or REFRESH, or answers it (404, 405, 400). */
  abstract Route routeAuth(HttpCall call);

  /** Reads the credentials of a login; the default reads a JSON body {@code {"username","password"}}. */
  LoginRequest login(HttpCall call) {
    JsonNode json = call.json();
    return new LoginRequest(Json.text(json, "username"), Json.text(json, "password"), null);
  }

  /** Reads the refresh token (and checks the client, where the profile has one). */
  abstract RefreshRequest refresh(HttpCall call);

  /** The access token the request carries, or null. */
  abstract String accessToken(HttpCall call);

  /** A 200 token reply of {@code endpoint}'s shape (LOGIN or REFRESH). */
  abstract Reply tokens(Endpoint endpoint, TokenFields fields);

  /** A 200 API reply wrapping {@code userJson} (raw JSON text, written as is); null leaves the user out. */
  abstract Reply api(String userJson);

  /** The reply for an access token that is missing, expired or invalid. */
  abstract Reply accessRejected(AccessTokens.Status status);

  /** The reply for a dead refresh token. */
  abstract Reply deadRefresh();

  Reply badCredentials() {
    return error(401, 401, "bad credentials");
  }

  Reply malformed() {
    return error(400, 400, "malformed request body");
  }

  Reply notFound() {
    return error(404, 404, "not found");
  }

  Reply methodNotAllowed() {
    return error(405, 405, "method not allowed");
  }

  Reply tooLarge() {
    return error(413, 413, "request body too large");
  }

  /** An error reply {@code {"code":<code>,"message":<text>}} with HTTP {@code status}. */
  Reply error(int status, int code, String text) {
    return Reply.json(status, Json.write(Json.object().put("code", code).put("message", text)));
  }

  Reply serverError() {
    return Reply.json(500, "{\"error\":\"server_error\"}");
  }

  // ---- helpers for the profiles

  /** Routes {@code path} answered by one method to {@code endpoint}; null when the path does not match. */
  final Route exact(HttpCall call, String path, String method, Endpoint endpoint) {
    if (!call.path.equals(path)) {
      return null;
    }
    return method.equals(call.method) ? Route.to(endpoint) : Route.answer(methodNotAllowed());
  }

  /** The token of an {@code Authorization: Bearer <token>} header, or null. */
  static String bearer(String authorization) {
    if (authorization == null || authorization.length() < 7
        || !authorization.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      return null;
    }
    return authorization.substring(7).trim();
  }

  /** A header's value used as a token, or null when absent or blank. */
  static String plain(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }

  static ObjectNode put(ObjectNode node, String field, JsonNode value) {
    if (value != null) {
      node.set(field, value);
    }
    return node;
  }

  static Reply ok(JsonNode body) {
    return Reply.json(200, Json.write(body));
  }

  /** {@code {"code":<code>,"data":<user>}}, or without data when the user is null. */
  static Reply coded(int code, String userJson) {
    return Reply.json(200, userJson == null ? "{\"code\":" + code + "}"
        : "{\"code\":" + code + ",\"data\":" + userJson + "}");
  }
}
