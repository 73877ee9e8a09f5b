package dev.silentrefresh.testkit;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real HTTP reference auth server speaking one {@link Profile}: login, refresh and a protected API, with
 * RS256 JWT access tokens (algorithm, key, issuer and audience pinned), hashed rotating refresh tokens (reuse
 * detection, grace window, family revocation), throttled failed logins, latency and fault injection, and
 * {@link Counters} as ground truth — in Java and over HTTP at {@code /_admin/} (see {@link #adminUri()}).
 *
 * <pre>{@code
 * try (AuthServer server = AuthServer.builder(Profile.OAUTH2).accessTtl(Duration.ofSeconds(30)).start()) {
 *   URI login = server.loginUri();
 *   ...
 * }
 * }</pre>
 */
public final class AuthServer implements AutoCloseable {
  private static final int MAX_THREADS = 512;

  private final Profile profile;
  private final Builder config;
  private final Counters counters = new Counters();
  private final Faults faults = new Faults();
  private final Streams streams = new Streams();
  private final Pauser pauser = new Pauser();
  private final RefreshTokenStore refreshTokens;
  private final AuthLogic logic;
  private final Server server;
  private final URI baseUri;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AuthServer(Builder b) {
    this.profile = b.profile;
    this.config = b;
    SecureRandom random = new SecureRandom();
    AccessTokens accessTokens = new AccessTokens(b.accessTtl, b.exactExpiry, random);
    boolean rotation = b.rotation && profile.rotates();
    ServerProtocol protocol = ServerProtocol.of(profile, b.clientId, b.clientSecret, b.clientCredential);
    this.refreshTokens = new RefreshTokenStore(random, b.clock, b.refreshTtl, rotation, b.reuseDetection, b.grace,
        b.sessionMax, counters, protocol.refreshTokenUrlPart());
    Map<String, String> users = b.users.isEmpty() ? Map.of("demo", "demo-password") : Map.copyOf(b.users);
    this.logic = new AuthLogic(protocol, accessTokens, refreshTokens, users, b.clock, new EnumMap<>(b.latency),
        counters, faults, pauser, streams, new LoginThrottle(b.loginFailures, b.loginWindow, b.clock));

    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 8);
    threads.setName("auth-server-" + profile.id());
    this.server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(b.host);
    connector.setPort(b.port);
    connector.setAcceptQueueSize(1024); // clients open hundreds of connections at once
    server.addConnector(connector);
    CorsPolicy cors = CorsPolicy.allowing(b.corsOrigins);
    server.setHandler(new AuthHandler(logic, new AdminEndpoint(this), faults.unansweredRequests(), cors));
    server.setErrorHandler(new AuthHandler.JsonErrors(cors));
    // no graceful phase: it would wait for clients' idle keep-alive connections; busy threads get 1 s
    server.setStopTimeout(0);
    threads.setStopTimeout(1000);
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      throw new IllegalStateException("cannot start the " + profile.id() + " auth server on " + b.host + ":" + b.port
          + ": " + e, e);
    }
    String host = b.host.equals("0.0.0.0") || b.host.equals("::") ? "127.0.0.1" : b.host;
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    this.baseUri = URI.create("http://" + host + ":" + connector.getLocalPort());
  }

  /** A builder for a server speaking {@code profile}. */
  public static Builder builder(Profile profile) {
    return new Builder(profile);
  }

  /**
   * The client side of this server's protocol: the core {@link dev.silentrefresh.Dialect} preset for its
   * profile, pointed at its refresh endpoint (with its client id or credential where the profile has one).
   * For a confidential {@link Profile#OAUTH2} client (a {@link Builder#clientSecret} is set) it is
   * {@link dev.silentrefresh.Dialect#oauth2ClientSecretBasic}; use
   * {@link dev.silentrefresh.Dialect#oauth2ClientSecretPost} with {@link #clientSecret()} for the other method.
   */
  public dev.silentrefresh.Dialect dialect() {
    switch (profile) {
      case OAUTH2: return config.clientSecret == null
          ? dev.silentrefresh.Dialect.oauth2(refreshUri(), clientId())
          : dev.silentrefresh.Dialect.oauth2ClientSecretBasic(refreshUri(), clientId(), config.clientSecret);
      case PUT_BEARER: return dev.silentrefresh.Dialect.putBearer(refreshUri());
      case CODE_1002: return dev.silentrefresh.Dialect.code1002(refreshUri(), clientCredential());
      case CODE_50014: return dev.silentrefresh.Dialect.code50014(refreshUri());
      case CODE_401: return dev.silentrefresh.Dialect.code401(refreshUri());
      default: throw new IllegalStateException("no dialect for " + profile);
    }
  }

  /** The profile this server speaks. */
  public Profile profile() {
    return profile;
  }

  /** {@code http://HOST:PORT}, with the actual port when the builder asked for a random one. */
  public URI baseUri() {
    return baseUri;
  }

  /** The absolute login endpoint. */
  public URI loginUri() {
    return baseUri.resolve(logic.protocol().loginPath());
  }

  /**
   * The absolute refresh endpoint. For {@link Profile#CODE_50014} it is the prefix {@code …/refreshJwt/} the
   * token is appended to; for {@link Profile#CODE_401} the client adds the {@code refreshToken} query.
   */
  public URI refreshUri() {
    return baseUri.resolve(logic.protocol().refreshPath());
  }

  /**
   * The test-control endpoint, {@code http://HOST:PORT/_admin/}: {@code GET counters}, {@code GET|POST|PUT|DELETE
   * faults} (rules in {@link FaultRule} text), {@code POST release}, {@code POST expire-access-tokens},
   * {@code POST reset}. JSON; CORS for loopback origins. Always on: this is a test server.
   */
  public URI adminUri() {
    return baseUri.resolve(AdminEndpoint.PREFIX + "/");
  }

  /** An absolute URI on this server, e.g. {@code apiUri("/api/me")}. */
  public URI apiUri(String path) {
    Objects.requireNonNull(path, "path");
    return baseUri.resolve(path.startsWith("/") ? path : "/" + path);
  }

  /** The first configured user's name. */
  public String username() {
    return config.users.isEmpty() ? "demo" : config.users.keySet().iterator().next();
  }

  /** The first configured user's password. */
  public String password() {
    return config.users.isEmpty() ? "demo-password" : config.users.values().iterator().next();
  }

  /** The OAuth2 {@code client_id} the server expects. */
  public String clientId() {
    return config.clientId;
  }

  /** The {@link Profile#OAUTH2} client secret, or null for a public client (see {@link Builder#clientSecret}). */
  public @org.jspecify.annotations.Nullable String clientSecret() {
    return config.clientSecret;
  }

  /** The client credential {@link Profile#CODE_1002} expects in the refresh body's {@code authorization}. */
  public String clientCredential() {
    return config.clientCredential;
  }

  /** The live counters. */
  public Counters counters() {
    return counters;
  }

  /** The fault injection rules. */
  public Faults faults() {
    return faults;
  }

  /** The streaming endpoint {@code GET /api/stream}: its wire format, counts and release control. */
  public Streams streams() {
    return streams;
  }

  /**
   * The clock this server takes every expiry decision on (the builder's {@link Builder#clock(Clock)}, default
   * system UTC). Give the client a different clock to test clock skew.
   */
  public Clock clock() {
    return config.clock;
  }

  /** Logs {@code username} in without HTTP (a new token family; not counted as a login call). */
  public IssuedTokens issueTokens(String username) {
    return logic.issue(requireUsername(username), false);
  }

  /** Like {@link #issueTokens(String)}, but the access token's {@code exp} is already past; the refresh token is valid. */
  public IssuedTokens issueExpiredTokens(String username) {
    return logic.issue(requireUsername(username), true);
  }

  /** Revokes every token family issued so far: the next refresh with any of their tokens gets the dead reply. */
  public void revokeAllRefreshTokens() {
    refreshTokens.revokeAll();
  }

  /**
   * Every access token issued so far is answered as expired from now on, as after a server-side
   * revocation; refresh tokens stay valid, and tokens issued afterwards are fine. Clients see a burst of
   * "expired" replies at once — what single-flight refresh is for. To reject every token, also those issued
   * later, use {@code faults().failAlways(Endpoint.API, Faults.Fault.REJECT_TOKENS)}.
   */
  public void expireAccessTokens() {
    logic.expireAccessTokens();
  }

  /**
   * Sets the counters to zero, clears the faults, releases held replies and streams and forgets failed logins;
   * issued tokens and families are kept.
   */
  public void reset() {
    counters.reset();
    faults.clear();
    streams.reset();
    logic.resetLoginThrottle();
  }

  /** The access tokens' issuer and checker, for tests that forge tokens with this server's key. */
  AccessTokens accessTokens() {
    return logic.accessTokens();
  }

  /** Stops the server and frees its port; requests waiting on latency or DELAY end at once. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      pauser.close();
      faults.close();
      streams.close();
      stopQuietly();
    }
  }

  @Override
  public String toString() {
    return "AuthServer[" + profile.id() + " at " + baseUri + "]";
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception e) {
      // stopping is best effort; the port is released with the connector
    }
  }

  private static String requireUsername(String username) {
    Objects.requireNonNull(username, "username");
    if (username.isEmpty()) {
      throw new IllegalArgumentException("username must not be empty");
    }
    return username;
  }

  /** Configures and {@linkplain #start() starts} an {@link AuthServer}. Not thread-safe. */
  public static final class Builder {
    /** Failed logins of one username within {@link #DEFAULT_LOGIN_WINDOW} before its logins are throttled. */
    public static final int DEFAULT_LOGIN_FAILURES = 10;
    /** The sliding window failed logins are counted in. */
    public static final Duration DEFAULT_LOGIN_WINDOW = Duration.ofMinutes(1);

    private final Profile profile;
    private String host = "127.0.0.1";
    private int port;
    private Duration accessTtl = Duration.ofMinutes(5);
    private boolean exactExpiry;
    private Duration refreshTtl = Duration.ofHours(1);
    private Duration sessionMax;
    private boolean rotation = true;
    private boolean reuseDetection = true;
    private Duration grace = Duration.ZERO;
    private Clock clock = Clock.systemUTC();
    private final Map<String, String> users = new LinkedHashMap<>();
    private String clientId = "demo-client";
    private String clientCredential = "demo-app-credential";
    private String clientSecret;
    private final Map<Endpoint, Duration> latency = new EnumMap<>(Endpoint.class);
    private int loginFailures = DEFAULT_LOGIN_FAILURES;
    private Duration loginWindow = DEFAULT_LOGIN_WINDOW;
    private final List<String> corsOrigins = new ArrayList<>();

    private Builder(Profile profile) {
      this.profile = Objects.requireNonNull(profile, "profile");
      for (Endpoint e : Endpoint.values()) {
        latency.put(e, Duration.ZERO);
      }
    }

    /** The address to bind (default {@code 127.0.0.1}). */
    public Builder host(String host) {
      this.host = nonEmpty(host, "host");
      return this;
    }

    /** The port to bind (default 0: a random free port). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be within 0..65535, was " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * Access token lifetime (default 5 min; {@code exp} has one-second resolution unless {@link #exactExpiry}: a
     * token minted mid-second lives less than this, as with most servers).
     */
    public Builder accessTtl(Duration ttl) {
      this.accessTtl = positive(ttl, "accessTtl");
      return this;
    }

    /**
     * True: every access token lives exactly {@link #accessTtl} from its minting, to the millisecond: {@code iat} and
     * {@code exp} carry a fraction of a second when they have one (a NumericDate may, RFC 7519 §2), the check compares
     * {@code exp} to the millisecond, and {@code expires_in} is the whole seconds of the lifetime. Default false:
     * whole-second {@code iat}/{@code exp} from the minting's second, so a 2-second token minted mid-second lives
     * 1–2 s, and a refresh before its expiry moves {@code exp} on by one second only.
     */
    public Builder exactExpiry(boolean exact) {
      this.exactExpiry = exact;
      return this;
    }

    /** Refresh token lifetime from its issue (default 1 h); a rotated successor gets a fresh lifetime. */
    public Builder refreshTtl(Duration ttl) {
      this.refreshTtl = positive(ttl, "refreshTtl");
      return this;
    }

    /**
     * The longest a login lasts, however often its refresh token is rotated (default: no limit). Like an
     * identity provider's maximum session lifetime: refresh tokens of a login never outlive it, so the
     * client must sign in again.
     */
    public Builder sessionMax(Duration max) {
      this.sessionMax = positive(max, "sessionMax");
      return this;
    }

    /** Whether a refresh replaces the refresh token (default true; ignored where {@link Profile#rotates()} is false). */
    public Builder rotation(boolean rotation) {
      this.rotation = rotation;
      return this;
    }

    /** Whether presenting an already rotated token outside the grace window revokes its family (default true). */
    public Builder reuseDetection(boolean reuseDetection) {
      this.reuseDetection = reuseDetection;
      return this;
    }

    /** How long a just-rotated token is still accepted, issuing a fresh pair (default 0). */
    public Builder grace(Duration grace) {
      Objects.requireNonNull(grace, "grace");
      if (grace.isNegative()) {
        throw new IllegalArgumentException("grace must not be negative");
      }
      this.grace = grace;
      return this;
    }

    /** The clock of every expiry decision, at issue and at validation (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds a user. Without any call the only user is {@code demo} / {@code demo-password}; the first user added
     * is the one {@link AuthServer#username()} returns.
     */
    public Builder user(String username, String password) {
      users.put(nonEmpty(username, "username"), Objects.requireNonNull(password, "password"));
      return this;
    }

    /** The OAuth2 {@code client_id} (default {@code demo-client}). */
    public Builder clientId(String clientId) {
      this.clientId = nonEmpty(clientId, "clientId");
      return this;
    }

    /**
     * Makes the {@link Profile#OAUTH2} client confidential (default: a public client, identified by
     * {@code client_id} alone): the token endpoint then requires the client to authenticate with this secret,
     * by {@code client_secret_basic} ({@code Authorization: Basic}, id and secret form-encoded, RFC 6749
     * §2.3.1) or {@code client_secret_post} (form fields {@code client_id} and {@code client_secret}); a wrong
     * or missing one is answered 401 {@code invalid_client}, both at once 400 {@code invalid_request}. It also
     * allows the {@code client_credentials} grant (RFC 6749 §4.4), which signs the client in as itself (the
     * client id is the user) and, unlike what §4.4.3 recommends, returns a refresh token too, so that
     * refreshing and rotation can be exercised with it.
     */
    public Builder clientSecret(String clientSecret) {
      this.clientSecret = nonEmpty(clientSecret, "clientSecret");
      return this;
    }

    /** The {@link Profile#CODE_1002} client credential (default {@code demo-app-credential}). */
    public Builder clientCredential(String clientCredential) {
      this.clientCredential = nonEmpty(clientCredential, "clientCredential");
      return this;
    }

    /**
     * Lets pages of {@code origin} ({@code scheme://host[:port]}, or {@code *} for every origin) read replies with
     * credentials, in addition to the loopback origins ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}, any
     * port), which are always allowed. A request from an allowed origin gets it back in
     * {@code Access-Control-Allow-Origin} with {@code Access-Control-Allow-Credentials: true}; one from any other
     * origin gets no {@code Access-Control-Allow-Origin}, so the browser keeps the reply from the page.
     *
     * @throws IllegalArgumentException when {@code origin} is not an http(s) origin without a path, nor {@code *}
     */
    public Builder corsOrigin(String origin) {
      corsOrigins.add(CorsPolicy.normalize(nonEmpty(origin, "origin")));
      return this;
    }

    /** How long the server waits before answering {@code endpoint} (default zero). */
    public Builder latency(Endpoint endpoint, Duration latency) {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(latency, "latency");
      if (latency.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative");
      }
      this.latency.put(endpoint, latency);
      return this;
    }

    /**
     * Throttles password logins per username (default {@value #DEFAULT_LOGIN_FAILURES} failures per minute): once
     * {@code failures} attempts for one username failed within {@code window} (a sliding window on the server's
     * {@link #clock(Clock)}), every further attempt for it — with the right password too, which is then not
     * checked — gets 429 {@code {"error":"too_many_requests"}} with {@code Retry-After} (seconds until the oldest
     * failure leaves the window), counted in {@link Counters#loginsThrottled()}. A successful login forgets the
     * username's failures; other usernames are never affected. {@code client_credentials} logins are not throttled.
     */
    public Builder loginThrottle(int failures, Duration window) {
      if (failures < 1) {
        throw new IllegalArgumentException("failures must be >= 1, was " + failures);
      }
      this.loginWindow = positive(window, "window");
      this.loginFailures = failures;
      return this;
    }

    /** Never throttles logins, however often they fail. */
    public Builder noLoginThrottle() {
      this.loginFailures = 0;
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws IllegalStateException when it cannot start (port taken, unknown host, ...)
     */
    public AuthServer start() {
      return new AuthServer(this.copy());
    }

    private Builder copy() {
      Builder b = new Builder(profile);
      b.host = host;
      b.port = port;
      b.accessTtl = accessTtl;
      b.exactExpiry = exactExpiry;
      b.refreshTtl = refreshTtl;
      b.sessionMax = sessionMax;
      b.rotation = rotation;
      b.reuseDetection = reuseDetection;
      b.grace = grace;
      b.clock = clock;
      b.users.putAll(users);
      b.clientId = clientId;
      b.clientCredential = clientCredential;
      b.clientSecret = clientSecret;
      b.latency.putAll(latency);
      b.loginFailures = loginFailures;
      b.loginWindow = loginWindow;
      b.corsOrigins.addAll(corsOrigins);
      return b;
    }

    private static String nonEmpty(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(name + " must not be empty");
      }
      return value;
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
