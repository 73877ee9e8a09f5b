package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server does with a request, written once for every profile: routing through the {@link ServerProtocol},
 * counters, latency and faults, login, refresh and the protected API. Token values are never logged.
 */
final class AuthLogic {
  private static final Logger LOG = LoggerFactory.getLogger(AuthLogic.class);

  private final ServerProtocol protocol;
  private final AccessTokens accessTokens;
  private final RefreshTokenStore refreshTokens;
  private final Map<String, String> users;
  private final Clock clock;
  private final Map<Endpoint, Duration> latency;
  private final Counters counters;
  private final Faults faults;
  private final Pauser pauser;
  private final FaultReplies faultReplies;

  AuthLogic(ServerProtocol protocol, AccessTokens accessTokens, RefreshTokenStore refreshTokens, Map<String, String> users,
      Clock clock, Map<Endpoint, Duration> latency, Counters counters, Faults faults, Pauser pauser) {
    this.protocol = protocol;
    this.accessTokens = accessTokens;
    this.refreshTokens = refreshTokens;
    this.users = users;
    this.clock = clock;
    this.latency = latency;
    this.counters = counters;
    this.faults = faults;
    this.pauser = pauser;
    this.faultReplies = new FaultReplies(protocol, accessTokens.ttlSeconds(), refreshTokens.ttl().toSeconds());
  }

  ServerProtocol protocol() {
    return protocol;
  }

  /** Answers one fully read request. */
  Reply handle(HttpCall call) {
    if ("OPTIONS".equals(call.method)) {
      return Reply.empty(204);
    }
    try {
      ServerProtocol.Route route = protocol.route(call);
      return route.reply != null ? route.reply : serve(route.endpoint, call);
    } catch (MalformedBodyException e) {
      LOG.debug("{} {}: {}", call.method, logPath(call), e.getMessage());
      return protocol.malformed();
    }
  }

  /** The reply for a request whose body is over the size limit. */
  Reply tooLarge() {
    return protocol.tooLarge();
  }

  Reply serverError() {
    return protocol.serverError();
  }

  void expireAccessTokens() {
    accessTokens.expireAll();
  }

  /** Issues a token pair to {@code username} in a new family, without HTTP (and without counting a login). */
  IssuedTokens issue(String username, boolean expired) {
    RefreshTokenStore.NewToken refresh = refreshTokens.login(username);
    Instant now = refresh.issuedAt;
    String access = expired ? accessTokens.mintExpired(username, refresh.family, now)
        : accessTokens.mint(username, refresh.family, now);
    return new IssuedTokens(access, refresh.token,
        expired ? Duration.ZERO : Duration.ofSeconds(accessTokens.expiresInSeconds(now)), refresh.lifetime);
  }

  private Reply serve(Endpoint endpoint, HttpCall call) {
    switch (endpoint) {
      case LOGIN:
        counters.incLoginCalls();
        break;
      case REFRESH:
        counters.refreshStarted();
        break;
      default:
        counters.incApiRequests();
    }
    try {
      pauser.pause(latency.get(endpoint));
      Faults.Fault fault = faults.pick(endpoint);
      if (fault != null) {
        counters.incFaultsInjected();
        LOG.debug("fault {} on {} {}", fault, call.method, logPath(call));
        switch (fault) {
          case DELAY:
            pauser.pause(faults.currentDelay());
            break;
          case DROP_AFTER_COMMIT:
            refresh(call);
            return protocol.serverError();
          case REJECT_TOKENS:
            counters.incRejectedRequests();
            return protocol.accessRejected(AccessTokens.Status.EXPIRED);
          default:
            return faultReplies.reply(endpoint, fault);
        }
      }
      switch (endpoint) {
        case LOGIN:
          return login(call);
        case REFRESH:
          return refresh(call);
        default:
          return api(call);
      }
    } finally {
      if (endpoint == Endpoint.REFRESH) {
        counters.refreshFinished();
      }
    }
  }

  private Reply login(HttpCall call) {
    ServerProtocol.LoginRequest request = protocol.login(call);
    if (request.rejection != null) {
      return request.rejection;
    }
    if (!passwordMatches(request.username, request.password)) {
      LOG.debug("login refused: bad credentials");
      return protocol.badCredentials();
    }
    IssuedTokens issued = issue(request.username, false);
    return protocol.tokens(Endpoint.LOGIN, new ServerProtocol.TokenFields(TextNode.valueOf(issued.accessToken()),
        TextNode.valueOf(issued.refreshToken()), issued.expiresIn().toSeconds(),
        issued.refreshExpiresIn().toSeconds()));
  }

  private Reply refresh(HttpCall call) {
    ServerProtocol.RefreshRequest request = protocol.refresh(call);
    if (request.rejection != null) {
      return request.rejection;
    }
    RefreshTokenStore.Result result = refreshTokens.refresh(request.token);
    if (!result.ok()) {
      counters.incRefreshRejected();
      LOG.debug("refresh refused: {}", result.outcome);
      return protocol.deadRefresh();
    }
    Instant now = result.decidedAt; // the access token is issued at the time of the rotation it goes with
    String access = accessTokens.mint(result.username, result.family, now);
    counters.incRefreshSucceeded();
    LOG.debug("refresh {} in family {}", result.outcome, result.family);
    return protocol.tokens(Endpoint.REFRESH, new ServerProtocol.TokenFields(TextNode.valueOf(access),
        TextNode.valueOf(result.refreshToken), accessTokens.expiresInSeconds(now), result.refreshExpiresIn.toSeconds()));
  }

  private Reply api(HttpCall call) {
    AccessTokens.Check check = accessTokens.verify(protocol.accessToken(call), clock.instant());
    if (check.status != AccessTokens.Status.VALID) {
      counters.incRejectedRequests();
      return protocol.accessRejected(check.status);
    }
    switch (call.path) {
      case "/api/me":
        counters.incApiSucceeded();
        return protocol.api(userJson(check.username));
      case "/api/echo":
        if (!"POST".equals(call.method) && !"PUT".equals(call.method)) {
          return protocol.methodNotAllowed();
        }
        counters.incApiSucceeded();
        String type = call.header("Content-Type");
        return Reply.of(200, type == null ? "application/octet-stream" : type, call.body);
      default:
        return protocol.notFound();
    }
  }

  private boolean passwordMatches(String username, String password) {
    String expected = username == null ? null : users.get(username);
    return expected != null && password != null && MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The {@code /api/me} user object as raw JSON text. The id is the largest long, written as text so that no
   * client gets it rounded through a double by us; "demo" becomes "Demo User".
   */
  static String userJson(String username) {
    String display = username.isEmpty() ? "User"
        : username.substring(0, 1).toUpperCase(Locale.ROOT) + username.substring(1) + " User";
    return "{\"id\":9223372036854775807,\"username\":" + Json.quote(username)
        + ",\"displayName\":" + Json.quote(display) + "}";
  }

  /** The path for logs: CODE_50014 carries the refresh token in it, so that part is masked. */
  private String logPath(HttpCall call) {
    return call.path.startsWith("/refreshJwt/") ? "/refreshJwt/<redacted>" : call.path;
  }
}
