package dev.silentrefresh.testkit;

import java.util.Map;

/** {@link Profile#OAUTH2}: RFC 6749/6750 style. */
final class OAuth2Protocol extends ServerProtocol {
  private static final String TOKEN_PATH = "/oauth/token";
  private final String clientId;

  OAuth2Protocol(String clientId) {
    this.clientId = clientId;
  }

  @Override
  String loginPath() {
    return TOKEN_PATH;
  }

  @Override
  String refreshPath() {
    return TOKEN_PATH;
  }

  @Override
  Route routeAuth(HttpCall call) {
    if (!call.path.equals(TOKEN_PATH)) {
      return Route.answer(notFound());
    }
    if (!"POST".equals(call.method)) {
      return Route.answer(methodNotAllowed());
    }
    String grant = call.form().get("grant_type");
    if ("password".equals(grant)) {
      return Route.to(Endpoint.LOGIN);
    }
    if ("refresh_token".equals(grant)) {
      return Route.to(Endpoint.REFRESH);
    }
    return Route.answer(grant == null
        ? error(400, "invalid_request", "grant_type is missing")
        : Reply.json(400, "{\"error\":\"unsupported_grant_type\"}"));
  }

  @Override
  LoginRequest login(HttpCall call) {
    Map<String, String> form = call.form();
    if (!clientId.equals(form.get("client_id"))) {
      return new LoginRequest(null, null, invalidClient());
    }
    return new LoginRequest(form.get("username"), form.get("password"), null);
  }

  @Override
  RefreshRequest refresh(HttpCall call) {
    Map<String, String> form = call.form();
    if (!clientId.equals(form.get("client_id"))) {
      return new RefreshRequest(null, invalidClient());
    }
    return new RefreshRequest(form.get("refresh_token"), null);
  }

  @Override
  String accessToken(HttpCall call) {
    return bearer(call.header("Authorization"));
  }

  @Override
  Reply tokens(Endpoint endpoint, TokenFields f) {
    var body = Json.object();
    put(body, "access_token", f.access);
    body.put("token_type", "Bearer");
    body.put("expires_in", f.expiresIn);
    put(body, "refresh_token", f.refresh);
    body.put("refresh_expires_in", f.refreshExpiresIn);
    return ok(body);
  }

  @Override
  Reply api(String userJson) {
    return Reply.json(200, userJson == null ? "{}" : userJson);
  }

  @Override
  Reply accessRejected(AccessTokens.Status status) {
    if (status == AccessTokens.Status.MISSING) {
      return Reply.json(401, "{\"error\":\"unauthorized\"}")
          .withHeader("WWW-Authenticate", "Bearer realm=\"silent-refresh\"");
    }
    String description = status == AccessTokens.Status.EXPIRED
        ? "The access token expired" : "The access token is invalid";
    return Reply.json(401, "{\"error\":\"invalid_token\"}").withHeader("WWW-Authenticate",
        "Bearer error=\"invalid_token\", error_description=\"" + description + "\"");
  }

  @Override
  Reply deadRefresh() {
    return error(400, "invalid_grant", "The refresh token is invalid or expired");
  }

  @Override
  Reply badCredentials() {
    return error(400, "invalid_grant", "bad credentials");
  }

  @Override
  Reply malformed() {
    return error(400, "invalid_request", "malformed request body");
  }

  @Override
  Reply notFound() {
    return Reply.json(404, "{\"error\":\"not_found\"}");
  }

  @Override
  Reply methodNotAllowed() {
    return Reply.json(405, "{\"error\":\"method_not_allowed\"}");
  }

  @Override
  Reply tooLarge() {
    return error(413, "invalid_request", "request body too large");
  }

  private static Reply invalidClient() {
    return Reply.json(401, "{\"error\":\"invalid_client\"}");
  }

  private static Reply error(int status, String error, String description) {
    var body = Json.object().put("error", error).put("error_description", description);
    return Reply.json(status, Json.write(body));
  }
}
