package dev.silentrefresh.testkit;

/** {@link Profile#CODE_401}: {@code token} header, refresh token in the query, HTTP 400 error codes. */
final class Code401Protocol extends ServerProtocol {
  private static final String LOGIN = "/login";
  private static final String REFRESH = "/token/refresh";

  @Override
  String loginPath() {
    return LOGIN;
  }

  @Override
  String refreshPath() {
    return REFRESH;
  }

  @Override
  String refreshTokenUrlPart() {
    return "refreshToken=";
  }

  @Override
  Route routeAuth(HttpCall call) {
    Route r = exact(call, LOGIN, "POST", Endpoint.LOGIN);
    if (r == null) {
      r = exact(call, REFRESH, "POST", Endpoint.REFRESH);
    }
    return r == null ? Route.answer(notFound()) : r;
  }

  @Override
  RefreshRequest refresh(HttpCall call) {
    return new RefreshRequest(call.query().get("refreshToken"), null);
  }

  @Override
  String accessToken(HttpCall call) {
    return plain(call.header("token"));
  }

  @Override
  Reply tokens(Endpoint endpoint, TokenFields f) {
    var data = Json.object();
    put(data, "accessToken", f.access);
    put(data, "refreshToken", f.refresh);
    data.put("expiresIn", f.expiresIn);
    var body = Json.object().put("code", 0);
    body.set("data", data);
    return ok(body);
  }

  @Override
  Reply api(String userJson) {
    return coded(0, userJson);
  }

  @Override
  Reply accessRejected(AccessTokens.Status status) {
    return Reply.json(400, "{\"code\":401,\"message\":\"token expired\"}");
  }

  @Override
  Reply deadRefresh() {
    return Reply.json(400, "{\"code\":402,\"message\":\"refresh token expired\"}");
  }
}
