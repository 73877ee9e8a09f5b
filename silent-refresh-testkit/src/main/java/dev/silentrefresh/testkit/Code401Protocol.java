package dev.silentrefresh.testkit;

/**
 * {@link Profile#CODE_401}: {@code token} header, refresh token in the query, HTTP 400 error codes. Error replies
 * name their text {@code msg}, which this convention's front ends read, and {@code message} as well.
 */
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
    return error(400, 401, "token expired");
  }

  @Override
  Reply deadRefresh() {
    return error(400, 402, "refresh token expired");
  }

  @Override
  Reply error(int status, int code, String text) {
    return Reply.json(status, Json.write(Json.object().put("code", code).put("msg", text).put("message", text)));
  }
}
