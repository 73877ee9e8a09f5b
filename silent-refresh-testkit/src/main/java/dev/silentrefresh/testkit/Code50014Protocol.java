package dev.silentrefresh.testkit;

/**
 * {@link Profile#CODE_50014}: {@code X-Token} header, refresh token in the path, HTTP 200 error codes. Every
 * success carries {@code "code":0}: this convention's front ends take any other code for an error.
 */
final class Code50014Protocol extends ServerProtocol {
  private static final String LOGIN = "/user/login";
  private static final String REFRESH_PREFIX = "/refreshJwt/";

  @Override
  String loginPath() {
    return LOGIN;
  }

  @Override
  String refreshPath() {
    return REFRESH_PREFIX;
  }

  @Override
  String refreshTokenUrlPart() {
    return REFRESH_PREFIX;
  }

  @Override
  Route routeAuth(HttpCall call) {
    Route r = exact(call, LOGIN, "POST", Endpoint.LOGIN);
    if (r != null) {
      return r;
    }
    if (call.path.startsWith(REFRESH_PREFIX) || call.path.equals("/refreshJwt")) {
      return "POST".equals(call.method) ? Route.to(Endpoint.REFRESH) : Route.answer(methodNotAllowed());
    }
    return Route.answer(notFound());
  }

  @Override
  RefreshRequest refresh(HttpCall call) {
    String token = call.path.length() > REFRESH_PREFIX.length() ? call.path.substring(REFRESH_PREFIX.length()) : null;
    return new RefreshRequest(token, null);
  }

  @Override
  String accessToken(HttpCall call) {
    return plain(call.header("X-Token"));
  }

  @Override
  Reply tokens(Endpoint endpoint, TokenFields f) {
    var data = Json.object();
    put(data, "token", f.access);
    put(data, "refreshToken", f.refresh);
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
    return status == AccessTokens.Status.INVALID
        ? error(200, 50008, "Illegal token")
        : error(200, 50014, "Token expired");
  }

  @Override
  Reply deadRefresh() {
    return error(200, 10007, "refresh token expired");
  }
}
