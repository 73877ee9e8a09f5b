package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.JsonNode;

/** {@link Profile#CODE_1002}: an expired access token is HTTP 200 {@code {"code":1002}}. */
final class Code1002Protocol extends ServerProtocol {
  private static final String LOGIN = "/app/login";
  private static final String RENEWAL = "/app/renewal";
  private final String clientCredential;

  Code1002Protocol(String clientCredential) {
    this.clientCredential = clientCredential;
  }

  @Override
  String loginPath() {
    return LOGIN;
  }

  @Override
  String refreshPath() {
    return RENEWAL;
  }

  @Override
  Route routeAuth(HttpCall call) {
    Route r = exact(call, LOGIN, "POST", Endpoint.LOGIN);
    if (r == null) {
      r = exact(call, RENEWAL, "POST", Endpoint.REFRESH);
    }
    return r == null ? Route.answer(notFound()) : r;
  }

  @Override
  RefreshRequest refresh(HttpCall call) {
    JsonNode json = call.json();
    if (!clientCredential.equals(Json.text(json, "authorization"))) {
      return new RefreshRequest(null, error(403, 403, "bad client credential"));
    }
    return new RefreshRequest(Json.text(json, "refreshToken"), null);
  }

  @Override
  String accessToken(HttpCall call) {
    return bearer(call.header("Authorization"));
  }

  @Override
  Reply tokens(Endpoint endpoint, TokenFields f) {
    var body = Json.object();
    put(body, "token", f.access);
    put(body, "refreshToken", f.refresh);
    return ok(body);
  }

  @Override
  Reply api(String userJson) {
    return coded(0, userJson);
  }

  @Override
  Reply accessRejected(AccessTokens.Status status) {
    return error(200, 1002, "token expired");
  }

  @Override
  Reply deadRefresh() {
    return error(401, 401, "refresh token expired");
  }
}
