package dev.silentrefresh.testkit;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

/**
 * {@link Profile#OAUTH2}: RFC 6749/6750 style; token endpoint replies carry {@code Cache-Control: no-store} and
 * {@code Pragma: no-cache}. A public client is identified by {@code client_id}; a confidential
 * one (a secret is set) authenticates with {@code client_secret_basic} or {@code client_secret_post}.
 */
final class OAuth2Protocol extends ServerProtocol {
  private static final String TOKEN_PATH = "/oauth/token";
  private final String clientId;
  private final byte[] clientSecret;

  OAuth2Protocol(String clientId, String clientSecret) {
    this.clientId = clientId;
    this.clientSecret = clientSecret == null ? null : clientSecret.getBytes(StandardCharsets.UTF_8);
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
    if ("client_credentials".equals(grant)) {
      return Route.to(Endpoint.LOGIN);
    }
    return Route.answer(grant == null
        ? oauthError(400, "invalid_request", "grant_type is missing")
        : noStore(Reply.json(400, "{\"error\":\"unsupported_grant_type\"}")));
  }

  @Override
  LoginRequest login(HttpCall call) {
    Map<String, String> form = call.form();
    Reply refused = authenticateClient(call);
    if (refused != null) {
      return new LoginRequest(null, null, refused);
    }
    if ("client_credentials".equals(form.get("grant_type"))) {
      if (clientSecret == null) {
        return new LoginRequest(null, null, oauthError(400, "unauthorized_client", "a public client cannot use client_credentials"));
      }
      return new LoginRequest(clientId, null, null, true);
    }
    return new LoginRequest(form.get("username"), form.get("password"), null);
  }

  @Override
  RefreshRequest refresh(HttpCall call) {
    Reply refused = authenticateClient(call);
    if (refused != null) {
      return new RefreshRequest(null, refused);
    }
    return new RefreshRequest(call.form().get("refresh_token"), null);
  }

  /** Null when the client is who it says (RFC 6749 §2.3.1), else the reply refusing it. Never logs the secret. */
  private Reply authenticateClient(HttpCall call) {
    Map<String, String> form = call.form();
    String authorization = call.header("Authorization");
    boolean basic = authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6);
    if (clientSecret == null) {
      return clientId.equals(form.get("client_id")) ? null : invalidClient();
    }
    boolean post = form.containsKey("client_secret");
    if (basic && post) {
      return oauthError(400, "invalid_request", "use one client authentication method, not two");
    }
    if (basic) {
      String[] pair = basicPair(authorization.substring(6).trim());
      boolean ok = pair != null && clientId.equals(pair[0]) && secretMatches(pair[1])
          && (form.get("client_id") == null || clientId.equals(form.get("client_id")));
      return ok ? null : invalidClient().withHeader("WWW-Authenticate", "Basic realm=\"silent-refresh\"");
    }
    if (post) {
      return clientId.equals(form.get("client_id")) && secretMatches(form.get("client_secret")) ? null : invalidClient();
    }
    return invalidClient();
  }

  /** {@code [id, secret]} from a Basic credential (each form-decoded), or null when malformed. */
  private static String[] basicPair(String encoded) {
    try {
      String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private boolean secretMatches(String presented) {
    return presented != null && MessageDigest.isEqual(clientSecret, presented.getBytes(StandardCharsets.UTF_8));
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
    return noStore(ok(body));
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
    return oauthError(400, "invalid_grant", "The refresh token is invalid or expired");
  }

  @Override
  Reply badCredentials() {
    return oauthError(400, "invalid_grant", "bad credentials");
  }

  @Override
  Reply malformed() {
    return oauthError(400, "invalid_request", "malformed request body");
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
    return oauthError(413, "invalid_request", "request body too large");
  }

  private static Reply invalidClient() {
    return noStore(Reply.json(401, "{\"error\":\"invalid_client\"}"));
  }

  private static Reply oauthError(int status, String error, String description) {
    var body = Json.object().put("error", error).put("error_description", description);
    return noStore(Reply.json(status, Json.write(body)));
  }

  /** Token endpoint replies, tokens and errors, must not be cached (RFC 6749 §5.1, §5.2). */
  private static Reply noStore(Reply reply) {
    return reply.withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
  }
}
