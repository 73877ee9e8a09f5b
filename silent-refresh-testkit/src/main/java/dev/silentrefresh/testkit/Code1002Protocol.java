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
      return new RefreshRequest(null, Reply.json(403, "{\"code\":403,\"message\":\"bad client credential\"}"));
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
    return Reply.json(200, "{\"code\":1002,\"message\":\"token expired\"}");
  }

  @Override
  Reply deadRefresh() {
    return Reply.json(401, "{\"code\":401,\"message\":\"refresh token expired\"}");
  }
}
