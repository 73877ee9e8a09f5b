package dev.silentrefresh.testkit;

/**
 * {@link Profile#PUT_BEARER}: refresh is a PUT with the refresh token as bearer; never rotates, so the refresh reply
 * carries only the new access token. The login reply names the refresh token both {@code refresh_token}, as this
 * convention's front ends keep it in their user object, and {@code refreshToken}.
 */
final class PutBearerProtocol extends ServerProtocol {
  private static final String PATH = "/v1_0/authorizations";

  @Override
  String loginPath() {
    return PATH;
  }

  @Override
  String refreshPath() {
    return PATH;
  }

  @Override
  Route routeAuth(HttpCall call) {
    if (!call.path.equals(PATH)) {
      return Route.answer(notFound());
    }
    switch (call.method) {
      case "POST":
        return Route.to(Endpoint.LOGIN);
      case "PUT":
        return Route.to(Endpoint.REFRESH);
      default:
        return Route.answer(methodNotAllowed());
    }
  }

  @Override
  RefreshRequest refresh(HttpCall call) {
    return new RefreshRequest(bearer(call.header("Authorization")), null);
  }

  @Override
  String accessToken(HttpCall call) {
    return bearer(call.header("Authorization"));
  }

  @Override
  Reply tokens(Endpoint endpoint, TokenFields f) {
    var data = Json.object();
    put(data, "token", f.access);
    if (endpoint == Endpoint.LOGIN) {
      put(data, "refreshToken", f.refresh);
      put(data, "refresh_token", f.refresh);
      data.put("expiresIn", f.expiresIn);
    }
    var body = Json.object();
    body.set("data", data);
    return ok(body);
  }

  @Override
  Reply api(String userJson) {
    return Reply.json(200, userJson == null ? "{}" : "{\"data\":" + userJson + "}");
  }

  @Override
  Reply accessRejected(AccessTokens.Status status) {
    return Reply.json(401, "{\"message\":\"token expired\"}");
  }

  @Override
  Reply deadRefresh() {
    return Reply.json(401, "{\"message\":\"refresh token invalid\"}");
  }
}
