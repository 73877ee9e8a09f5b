package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server does with a request, written once for every profile: routing through the {@link ServerProtocol},
 * counters, latency and faults, login, refresh and the protected API. Token values are never logged.
 */
final class AuthLogic {
  private static final Logger LOG = LoggerFactory.getLogger(AuthLogic.class);
  static final String REDIRECT_PATH = "/api/redirect";
  static final String STREAM_PATH = "/api/stream";
  private static final Set<String> REDIRECT_STATUSES = new LinkedHashSet<>(List.of("301", "302", "303", "307", "308"));

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
  private final Streams streams;
  private final LoginThrottle loginThrottle;

  AuthLogic(ServerProtocol protocol, AccessTokens accessTokens, RefreshTokenStore refreshTokens, Map<String, String> users,
      Clock clock, Map<Endpoint, Duration> latency, Counters counters, Faults faults, Pauser pauser, Streams streams,
      LoginThrottle loginThrottle) {
    this.streams = streams;
    this.loginThrottle = loginThrottle;
    this.protocol = protocol;
    this.accessTokens = accessTokens;
    this.refreshTokens = refreshTokens;
    this.users = users;
    this.clock = clock;
    this.latency = latency;
    this.counters = counters;
    this.faults = faults;
    this.pauser = pauser;
    this.faultReplies = new FaultReplies(protocol, clock, accessTokens.ttlSeconds(), refreshTokens.ttl().toSeconds());
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

  /** Forgets every failed login (see {@link LoginThrottle}). */
  void resetLoginThrottle() {
    loginThrottle.reset();
  }

  /** The access token issuer and checker (for tests that forge tokens with the server's own key). */
  AccessTokens accessTokens() {
    return accessTokens;
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
      Faults.Decision decision = faults.pick(endpoint);
      if (decision.injected()) {
        counters.incFaultsInjected();
        LOG.debug("fault {} (latency {}) on {} {}", decision.fault, decision.latency, call.method, logPath(call));
        pauser.pause(decision.latency);
      }
      if (decision.fault != null) {
        switch (decision.fault) {
          case DELAY:
            pauser.pause(decision.setting);
            break;
          case DROP_AFTER_COMMIT:
            refresh(call, true);
            return protocol.serverError();
          case DISCONNECT_AFTER_COMMIT:
            refresh(call, true);
            return Reply.disconnect();
          case HANG_AFTER_COMMIT:
            refresh(call, true);
            faults.holdReply(decision.setting);
            return Reply.disconnect();
          case HANG_BEFORE_COMMIT:
            counters.incRefreshRequestsDropped();
            faults.holdRequest(decision.setting);
            return Reply.disconnect();
          case CONNECTION_RESET:
            return Reply.reset();
          case NEVER_ANSWER:
            return Reply.neverAnswer();
          case REJECT_TOKENS:
            counters.incRejectedRequests();
            return accessRejected(call, AccessTokens.Status.EXPIRED);
          default:
            return faultReplies.reply(endpoint, decision.fault, decision.setting);
        }
      }
      switch (endpoint) {
        case LOGIN:
          return login(call);
        case REFRESH:
          return refresh(call, false);
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
    if (!request.clientOnly) {
      Duration wait = loginThrottle.admit(request.username);
      if (wait != null) {
        counters.incLoginsThrottled();
        LOG.debug("login refused: throttled for {}", wait);
        return RetryAfter.tooManyRequests(RetryAfter.seconds(wait));
      }
      if (!passwordMatches(request.username, request.password)) {
        counters.incLoginFailures();
        LOG.debug("login refused: bad credentials");
        return protocol.badCredentials();
      }
      loginThrottle.succeeded(request.username);
    }
    IssuedTokens issued = issue(request.username, false);
    return protocol.tokens(Endpoint.LOGIN, new ServerProtocol.TokenFields(TextNode.valueOf(issued.accessToken()),
        TextNode.valueOf(issued.refreshToken()), issued.expiresIn().toSeconds(),
        issued.refreshExpiresIn().toSeconds()));
  }

  /** Refreshes; {@code replyDropped}: the tokens will not reach the client (an *_AFTER_COMMIT fault). */
  private Reply refresh(HttpCall call, boolean replyDropped) {
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
    if (replyDropped) {
      counters.incRefreshRepliesDropped();
    }
    LOG.debug("refresh {} in family {}", result.outcome, result.family);
    return protocol.tokens(Endpoint.REFRESH, new ServerProtocol.TokenFields(TextNode.valueOf(access),
        TextNode.valueOf(result.refreshToken), accessTokens.expiresInSeconds(now), result.refreshExpiresIn.toSeconds()));
  }

  private Reply api(HttpCall call) {
    AccessTokens.Check check = accessTokens.verify(protocol.accessToken(call), clock.instant());
    if (check.status != AccessTokens.Status.VALID) {
      counters.incRejectedRequests();
      return accessRejected(call, check.status);
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
      case REDIRECT_PATH:
        return redirect(call);
      case STREAM_PATH:
        if (!"GET".equals(call.method)) {
          return protocol.methodNotAllowed();
        }
        return stream(call, check.username);
      default:
        return protocol.notFound();
    }
  }

  /**
   * The profile's rejection; for {@code /api/stream} as the first (and only) value of an ndjson stream, whose
   * body with {@code ?holdRejection=true} does not end until {@link Streams#releaseHeld()}.
   */
  private Reply accessRejected(HttpCall call, AccessTokens.Status status) {
    Reply r = protocol.accessRejected(status);
    if (!STREAM_PATH.equals(call.path)) {
      return r;
    }
    return "true".equals(call.query().get("holdRejection")) ? r.asNdjsonLine(streams::awaitRelease) : r.asNdjsonLine();
  }

  /** {@code /api/redirect?to=<absolute http(s) URL>[&status=301|302|303|307|308]}: a redirect there (default 302). */
  private Reply redirect(HttpCall call) {
    String to = call.query().get("to");
    URI target;
    try {
      target = to == null ? null : new URI(to);
    } catch (URISyntaxException e) {
      target = null;
    }
    if (target == null || !target.isAbsolute() || target.getHost() == null
        || !("http".equalsIgnoreCase(target.getScheme()) || "https".equalsIgnoreCase(target.getScheme()))) {
      return badRequest("'to' must be an absolute http(s) URL");
    }
    String status = call.query().getOrDefault("status", "302");
    if (!REDIRECT_STATUSES.contains(status)) {
      return badRequest("'status' must be one of " + REDIRECT_STATUSES);
    }
    counters.incApiSucceeded();
    return Reply.json(Integer.parseInt(status), "{\"redirect\":" + Json.quote(target.toString()) + "}")
        .withHeader("Location", target.toString());
  }

  /** {@code /api/stream}: see {@link Streams}. */
  private Reply stream(HttpCall call, String username) {
    int lines;
    try {
      lines = Integer.parseInt(call.query().getOrDefault("lines", String.valueOf(Streams.DEFAULT_LINES)));
    } catch (NumberFormatException e) {
      lines = -1;
    }
    if (lines < 0 || lines > Streams.MAX_LINES) {
      return badRequest("'lines' must be a number within 0.." + Streams.MAX_LINES);
    }
    String hold = call.query().getOrDefault("hold", "false");
    if (!hold.equals("true") && !hold.equals("false") && !hold.equals("first")) {
      return badRequest("'hold' must be true, false or first");
    }
    boolean held = hold.equals("true");
    boolean heldBeforeFirst = hold.equals("first");
    String holdRejection = call.query().getOrDefault("holdRejection", "false");
    if (!holdRejection.equals("true") && !holdRejection.equals("false")) {
      return badRequest("'holdRejection' must be true or false");
    }
    String first = new String(protocol.api(userJson(username)).body, StandardCharsets.UTF_8);
    int count = lines;
    counters.incApiSucceeded();
    return Reply.stream(200, Reply.NDJSON, out -> {
      boolean normally = false;
      if (heldBeforeFirst) {
        out.sendHeaders();
        streams.awaitRelease();
      }
      out.line(first);
      streams.opened();
      try {
        if (held) {
          streams.awaitRelease();
        }
        for (int i = 1; i <= count; i++) {
          out.line("{\"seq\":" + i + "}");
        }
        normally = true;
      } finally {
        streams.ended(normally);
      }
    });
  }

  private Reply badRequest(String message) {
    return protocol.error(400, 400, message);
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
