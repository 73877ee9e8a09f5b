package dev.silentrefresh.boot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything under {@code silent-refresh.*}: named sessions, and which of the application's auto-configured
 * HTTP client builders each one is installed on. Checked as a whole at start-up by {@link SessionFactory};
 * a wrong value stops the application with one message naming the property.
 *
 * <pre>{@code
 * silent-refresh:
 *   sessions:
 *     github:
 *       dialect: oauth2
 *       refresh-url: https://auth.example.com/oauth/token
 *       client-id: my-client
 *       scope: https://api.example.com
 *       login:
 *         grant: client-credentials
 *   clients:
 *     rest-client: github
 * }</pre>
 */
@ConfigurationProperties("silent-refresh")
public class SilentRefreshProperties {
  /** The sessions, by name (letters, digits, '-' and '_'). Each becomes a TokenSession bean qualified by its name. */
  private Map<String, Session> sessions = new LinkedHashMap<>();

  /** Which session each auto-configured client builder sends through (none by default). */
  private Clients clients = new Clients();

  /** Settings of every session kept in Redis (store.type redis), over the application's Spring Data Redis. */
  private Redis redis = new Redis();

  public Map<String, Session> getSessions() {
    return sessions;
  }

  public void setSessions(Map<String, Session> sessions) {
    this.sessions = sessions;
  }

  public Clients getClients() {
    return clients;
  }

  public void setClients(Clients clients) {
    this.clients = clients;
  }

  public Redis getRedis() {
    return redis;
  }

  public void setRedis(Redis redis) {
    this.redis = redis;
  }

  /**
   * Sessions kept in Redis, shared by every process of the fleet that names the same session: they use the
   * application's Lettuce client (spring-boot-starter-data-redis, {@code spring.data.redis.*}), with one command
   * and one pub/sub connection of their own on it.
   */
  public static class Redis {
    /** Prefix of every Silent Refresh key in Redis (no braces); the same in every process of a fleet. */
    private String keyPrefix = "silent-refresh:";

    /**
     * AES key (16, 24 or 32 bytes, Base64) that encrypts the tokens at rest with AES-GCM; the same in every
     * process. Never logged. Without it the tokens are stored in clear.
     */
    private @Nullable String encryptionKey;

    /** How long a refresh lock is held without renewal; keep it longer than the sessions' refresh deadline. */
    private Duration lease = Duration.ofSeconds(60);

    /** The longest any Redis command waits for its answer; past it Redis counts as unreachable. */
    private Duration commandTimeout = Duration.ofSeconds(5);

    /**
     * Whether a session may refresh on its own while Redis is unreachable (its own single flight, tokens kept in
     * memory and saved when Redis is back). With false, refreshes fail until Redis is back (session kept).
     */
    private boolean localFallback = true;

    public String getKeyPrefix() {
      return keyPrefix;
    }

    public void setKeyPrefix(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    public @Nullable String getEncryptionKey() {
      return encryptionKey;
    }

    public void setEncryptionKey(@Nullable String encryptionKey) {
      this.encryptionKey = encryptionKey;
    }

    public Duration getLease() {
      return lease;
    }

    public void setLease(Duration lease) {
      this.lease = lease;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public boolean isLocalFallback() {
      return localFallback;
    }

    public void setLocalFallback(boolean localFallback) {
      this.localFallback = localFallback;
    }

    /** Shows no key. */
    @Override
    public String toString() {
      return "Redis{keyPrefix=" + keyPrefix + ", encrypted=" + (encryptionKey != null) + '}';
    }
  }

  /** The auto-configured builders, and the session installed on each. */
  public static class Clients {
    /** Session installed on every RestClient.Builder the application gets from Spring Boot. */
    private @Nullable String restClient;

    /** Session installed on every RestTemplate built by the application's RestTemplateBuilder. */
    private @Nullable String restTemplate;

    /** Session installed on every WebClient.Builder the application gets from Spring Boot. */
    private @Nullable String webClient;

    public @Nullable String getRestClient() {
      return restClient;
    }

    public void setRestClient(@Nullable String restClient) {
      this.restClient = restClient;
    }

    public @Nullable String getRestTemplate() {
      return restTemplate;
    }

    public void setRestTemplate(@Nullable String restTemplate) {
      this.restTemplate = restTemplate;
    }

    public @Nullable String getWebClient() {
      return webClient;
    }

    public void setWebClient(@Nullable String webClient) {
      this.webClient = webClient;
    }
  }

  /** How the client authenticates to an OAuth2 token endpoint (RFC 6749 §2.3.1). */
  public enum ClientAuthentication {
    /** A public client: client_id in the form, no secret. */
    NONE,
    /** Authorization: Basic with the client id and secret. */
    CLIENT_SECRET_BASIC,
    /** client_id and client_secret in the form. */
    CLIENT_SECRET_POST
  }

  /** Where a session's tokens are kept. */
  public enum StoreType {
    /** In this process's memory (lost at restart). */
    MEMORY,
    /** In a JSON file (owner-only), shared safely by every process that names the same path. */
    FILE,
    /**
     * In Redis, over the application's Spring Data Redis (Lettuce): one refresh per expiry across every process
     * that names the same session; see {@code silent-refresh.redis.*}.
     */
    REDIS
  }

  /** How the session signs in, at the first request and again when the refresh token is dead. */
  public enum Grant {
    /** No sign-in from properties: the application calls signIn, or names a LoginHandler bean. */
    NONE,
    /** OAuth2 client_credentials grant at the token endpoint (a confidential client). */
    CLIENT_CREDENTIALS,
    /** OAuth2 resource owner password grant at the token endpoint (a service account). */
    PASSWORD,
    /** Any backend's login call, described by url, method, body-format, headers and fields. */
    REQUEST
  }

  /** One session. */
  public static class Session {
    /**
     * The backend's convention: oauth2, put-bearer, code-1002, code-50014, code-401, or custom (described
     * wholly under 'custom'). Settings under 'custom' adjust a preset too.
     */
    private String dialect = "oauth2";

    /**
     * The refresh endpoint: the OAuth2 token endpoint; for code-50014 the URL the refresh token is appended to.
     * A custom dialect may give a URL template here or under custom.refresh.url.
     */
    private @Nullable String refreshUrl;

    /** OAuth2 client id (oauth2 dialect). */
    private @Nullable String clientId;

    /** OAuth2 client secret, for a confidential client. Never logged. */
    private @Nullable String clientSecret;

    /** How the client authenticates at the token endpoint; default client-secret-basic when a secret is set, else none. */
    private @Nullable ClientAuthentication clientAuthentication;

    /** The application credential the code-1002 dialect sends with each refresh. Never logged. */
    private @Nullable String clientCredential;

    /** Origins (scheme://host[:port]) that receive the access token. Default: the refresh endpoint's origin. */
    private List<String> scope = new ArrayList<>();

    /** Within this time of expiry a request waits for a refresh instead of sending the token (at most a tenth of the lifetime). */
    private Duration blockingMargin = Duration.ofSeconds(10);

    /** Within this time of expiry a request starts one refresh in the background (at most a fifth of the lifetime). */
    private Duration refreshAhead = Duration.ofSeconds(60);

    /** How long one refresh call may take. */
    private Duration refreshTimeout = Duration.ofSeconds(10);

    /** How long a refresh may take with its retries; default refresh-timeout × tries + max-backoff × (tries − 1). */
    private @Nullable Duration refreshDeadline;

    /** How long a login may take before waiting requests fail. */
    private Duration loginTimeout = Duration.ofMinutes(5);

    /** Connect timeout of the HTTP client the session's requests and refreshes use. */
    private Duration connectTimeout = Duration.ofSeconds(10);

    /** Read timeout of the session's API requests (RestClient, RestTemplate, WebClient response timeout). */
    private Duration readTimeout = Duration.ofSeconds(30);

    /** Retries of a refresh call that failed transiently (network, 5xx, malformed reply). */
    private Retry retry = new Retry();

    /** Where the tokens are kept. */
    private Store store = new Store();

    /**
     * One session per user (or per any key the application chooses) instead of one for the whole application:
     * a TokenSessions bean named {@code <name>TokenSessions}; each user's session is made at its first use and
     * signed in by the application ({@code sessions.get(user).signIn(tokens)}).
     */
    private boolean perUser;

    /** With per-user: the most users' sessions held at once; the least recently used is dropped first. */
    private int maxSessions = 10_000;

    /** With per-user: a user's session unused this long is dropped (its tokens stay in the store). */
    private Duration idleTimeout = Duration.ofMinutes(30);

    /** How the session signs in. */
    private Login login = new Login();

    /** A custom dialect, or adjustments to the preset named by 'dialect'. */
    private Custom custom = new Custom();

    public String getDialect() {
      return dialect;
    }

    public void setDialect(String dialect) {
      this.dialect = dialect;
    }

    public @Nullable String getRefreshUrl() {
      return refreshUrl;
    }

    public void setRefreshUrl(@Nullable String refreshUrl) {
      this.refreshUrl = refreshUrl;
    }

    public @Nullable String getClientId() {
      return clientId;
    }

    public void setClientId(@Nullable String clientId) {
      this.clientId = clientId;
    }

    public @Nullable String getClientSecret() {
      return clientSecret;
    }

    public void setClientSecret(@Nullable String clientSecret) {
      this.clientSecret = clientSecret;
    }

    public @Nullable ClientAuthentication getClientAuthentication() {
      return clientAuthentication;
    }

    public void setClientAuthentication(@Nullable ClientAuthentication clientAuthentication) {
      this.clientAuthentication = clientAuthentication;
    }

    public @Nullable String getClientCredential() {
      return clientCredential;
    }

    public void setClientCredential(@Nullable String clientCredential) {
      this.clientCredential = clientCredential;
    }

    public List<String> getScope() {
      return scope;
    }

    public void setScope(List<String> scope) {
      this.scope = scope;
    }

    public Duration getBlockingMargin() {
      return blockingMargin;
    }

    public void setBlockingMargin(Duration blockingMargin) {
      this.blockingMargin = blockingMargin;
    }

    public Duration getRefreshAhead() {
      return refreshAhead;
    }

    public void setRefreshAhead(Duration refreshAhead) {
      this.refreshAhead = refreshAhead;
    }

    public Duration getRefreshTimeout() {
      return refreshTimeout;
    }

    public void setRefreshTimeout(Duration refreshTimeout) {
      this.refreshTimeout = refreshTimeout;
    }

    public @Nullable Duration getRefreshDeadline() {
      return refreshDeadline;
    }

    public void setRefreshDeadline(@Nullable Duration refreshDeadline) {
      this.refreshDeadline = refreshDeadline;
    }

    public Duration getLoginTimeout() {
      return loginTimeout;
    }

    public void setLoginTimeout(Duration loginTimeout) {
      this.loginTimeout = loginTimeout;
    }

    public Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public Duration getReadTimeout() {
      return readTimeout;
    }

    public void setReadTimeout(Duration readTimeout) {
      this.readTimeout = readTimeout;
    }

    public Retry getRetry() {
      return retry;
    }

    public void setRetry(Retry retry) {
      this.retry = retry;
    }

    public Store getStore() {
      return store;
    }

    public boolean isPerUser() {
      return perUser;
    }

    public void setPerUser(boolean perUser) {
      this.perUser = perUser;
    }

    public int getMaxSessions() {
      return maxSessions;
    }

    public void setMaxSessions(int maxSessions) {
      this.maxSessions = maxSessions;
    }

    public Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    public void setStore(Store store) {
      this.store = store;
    }

    public Login getLogin() {
      return login;
    }

    public void setLogin(Login login) {
      this.login = login;
    }

    public Custom getCustom() {
      return custom;
    }

    public void setCustom(Custom custom) {
      this.custom = custom;
    }

    /** Shows no secret. */
    @Override
    public String toString() {
      return "Session{dialect=" + dialect + ", scope=" + scope + '}';
    }
  }

  /** Retries of a refresh call that failed transiently. */
  public static class Retry {
    /** Tries at the refresh endpoint, the first included. */
    private int maxAttempts = 3;

    /** Backoff before the second try; it doubles, with jitter, up to max-backoff. */
    private Duration initialBackoff = Duration.ofMillis(200);

    /** Longest backoff between tries. */
    private Duration maxBackoff = Duration.ofSeconds(5);

    public int getMaxAttempts() {
      return maxAttempts;
    }

    public void setMaxAttempts(int maxAttempts) {
      this.maxAttempts = maxAttempts;
    }

    public Duration getInitialBackoff() {
      return initialBackoff;
    }

    public void setInitialBackoff(Duration initialBackoff) {
      this.initialBackoff = initialBackoff;
    }

    public Duration getMaxBackoff() {
      return maxBackoff;
    }

    public void setMaxBackoff(Duration maxBackoff) {
      this.maxBackoff = maxBackoff;
    }
  }

  /** Where a session's tokens are kept. */
  public static class Store {
    /** memory, file or redis. */
    private StoreType type = StoreType.MEMORY;

    /** The token file, with type file. */
    private @Nullable Path path;

    /**
     * With type redis: the session's name in Redis, the same in every process sharing it (default: the session's
     * name here). With per-user, each user's session is {@code <this>:<user key>}.
     */
    private @Nullable String session;

    public StoreType getType() {
      return type;
    }

    public void setType(StoreType type) {
      this.type = type;
    }

    public @Nullable Path getPath() {
      return path;
    }

    public void setPath(@Nullable Path path) {
      this.path = path;
    }

    public @Nullable String getSession() {
      return session;
    }

    public void setSession(@Nullable String session) {
      this.session = session;
    }
  }

  /** How the session signs in: at the first request that finds no session, and whenever the session ends. */
  public static class Login {
    /** none, client-credentials, password (OAuth2 token endpoint), or request (any backend's login call). */
    private Grant grant = Grant.NONE;

    /** Where to sign in: default the refresh endpoint (OAuth2 token endpoint); required with grant request. */
    private @Nullable String url;

    /** Username, with grant password. */
    private @Nullable String username;

    /** Password, with grant password. Never logged. */
    private @Nullable String password;

    /** OAuth2 scope parameter of the login (space-separated), if the provider wants one. */
    private @Nullable String scope;

    /** With grant request: the method (POST or PUT). */
    private String method = "POST";

    /** With grant request: json or form. */
    private String bodyFormat = "json";

    /** With grant request: headers of the login call. */
    private Map<String, String> headers = new LinkedHashMap<>();

    /** With grant request: the body's fields, e.g. username and password. */
    private Map<String, String> fields = new LinkedHashMap<>();

    /**
     * Name of a LoginHandler bean of the application that signs this session in (e.g. one that asks a person);
     * instead of a grant.
     */
    private @Nullable String handler;

    public Grant getGrant() {
      return grant;
    }

    public void setGrant(Grant grant) {
      this.grant = grant;
    }

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public @Nullable String getUsername() {
      return username;
    }

    public void setUsername(@Nullable String username) {
      this.username = username;
    }

    public @Nullable String getPassword() {
      return password;
    }

    public void setPassword(@Nullable String password) {
      this.password = password;
    }

    public @Nullable String getScope() {
      return scope;
    }

    public void setScope(@Nullable String scope) {
      this.scope = scope;
    }

    public String getMethod() {
      return method;
    }

    public void setMethod(String method) {
      this.method = method;
    }

    public String getBodyFormat() {
      return bodyFormat;
    }

    public void setBodyFormat(String bodyFormat) {
      this.bodyFormat = bodyFormat;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public Map<String, String> getFields() {
      return fields;
    }

    public void setFields(Map<String, String> fields) {
      this.fields = fields;
    }

    public @Nullable String getHandler() {
      return handler;
    }

    public void setHandler(@Nullable String handler) {
      this.handler = handler;
    }
  }

  /**
   * Every concern of a dialect. With dialect custom this is the whole dialect; with a preset, what is set here
   * replaces the preset's (token header, refresh call, reply pointers) or adds to it (signals, headers, fields).
   * Templates may contain {refreshToken} and {accessToken}.
   */
  public static class Custom {
    /** Request header that carries the access token, e.g. Authorization or X-Token. */
    private @Nullable String tokenHeader;

    /** Prefix of the header value before the token, e.g. "Bearer " (may be empty). */
    private @Nullable String tokenPrefix;

    /** API replies that mean "access token rejected: refresh and replay". */
    private List<SignalProperties> accessTokenRejected = new ArrayList<>();

    /** API replies that mean "the session is over: sign in again" (no refresh). */
    private List<SignalProperties> sessionEnded = new ArrayList<>();

    /** Refresh replies that mean "the refresh token is dead: sign in again". */
    private List<SignalProperties> refreshTokenDead = new ArrayList<>();

    /** The refresh call. */
    private RefreshCall refresh = new RefreshCall();

    /** Where the new tokens are in the refresh reply (JSON pointers). */
    private ReplyPointers reply = new ReplyPointers();

    public @Nullable String getTokenHeader() {
      return tokenHeader;
    }

    public void setTokenHeader(@Nullable String tokenHeader) {
      this.tokenHeader = tokenHeader;
    }

    public @Nullable String getTokenPrefix() {
      return tokenPrefix;
    }

    public void setTokenPrefix(@Nullable String tokenPrefix) {
      this.tokenPrefix = tokenPrefix;
    }

    public List<SignalProperties> getAccessTokenRejected() {
      return accessTokenRejected;
    }

    public void setAccessTokenRejected(List<SignalProperties> accessTokenRejected) {
      this.accessTokenRejected = accessTokenRejected;
    }

    public List<SignalProperties> getSessionEnded() {
      return sessionEnded;
    }

    public void setSessionEnded(List<SignalProperties> sessionEnded) {
      this.sessionEnded = sessionEnded;
    }

    public List<SignalProperties> getRefreshTokenDead() {
      return refreshTokenDead;
    }

    public void setRefreshTokenDead(List<SignalProperties> refreshTokenDead) {
      this.refreshTokenDead = refreshTokenDead;
    }

    public RefreshCall getRefresh() {
      return refresh;
    }

    public void setRefresh(RefreshCall refresh) {
      this.refresh = refresh;
    }

    public ReplyPointers getReply() {
      return reply;
    }

    public void setReply(ReplyPointers reply) {
      this.reply = reply;
    }
  }

  /** One way a reply says something; every part given must match. */
  public static class SignalProperties {
    /** HTTP statuses (any of them); empty: any status. */
    private List<Integer> status = new ArrayList<>();

    /** JSON pointer (RFC 6901) into the body, e.g. /code. */
    private @Nullable String bodyPointer;

    /** Values at body-pointer (any of them), compared as text, e.g. 50014. */
    private List<String> bodyValues = new ArrayList<>();

    /** The error a WWW-Authenticate: Bearer challenge must name when it names one, e.g. invalid_token. */
    private @Nullable String bearerError;

    public List<Integer> getStatus() {
      return status;
    }

    public void setStatus(List<Integer> status) {
      this.status = status;
    }

    public @Nullable String getBodyPointer() {
      return bodyPointer;
    }

    public void setBodyPointer(@Nullable String bodyPointer) {
      this.bodyPointer = bodyPointer;
    }

    public List<String> getBodyValues() {
      return bodyValues;
    }

    public void setBodyValues(List<String> bodyValues) {
      this.bodyValues = bodyValues;
    }

    public @Nullable String getBearerError() {
      return bearerError;
    }

    public void setBearerError(@Nullable String bearerError) {
      this.bearerError = bearerError;
    }
  }

  /** The refresh call of a custom dialect. */
  public static class RefreshCall {
    /** POST, PUT, PATCH or GET. */
    private @Nullable String method;

    /** Absolute URL template, e.g. https://api.example.com/refreshJwt/{refreshToken}. */
    private @Nullable String url;

    /** Headers; values may contain the placeholders, e.g. Authorization: "Bearer {refreshToken}". */
    private Map<String, String> headers = new LinkedHashMap<>();

    /** form or json: how the fields are sent. */
    private @Nullable String bodyFormat;

    /** Body fields; values may contain the placeholders, e.g. refreshToken: "{refreshToken}". */
    private Map<String, String> fields = new LinkedHashMap<>();

    public @Nullable String getMethod() {
      return method;
    }

    public void setMethod(@Nullable String method) {
      this.method = method;
    }

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public @Nullable String getBodyFormat() {
      return bodyFormat;
    }

    public void setBodyFormat(@Nullable String bodyFormat) {
      this.bodyFormat = bodyFormat;
    }

    public Map<String, String> getFields() {
      return fields;
    }

    public void setFields(Map<String, String> fields) {
      this.fields = fields;
    }
  }

  /** JSON pointers to the new tokens in the refresh reply. */
  public static class ReplyPointers {
    /** The new access token, e.g. /data/token. */
    private @Nullable String accessToken;

    /** The new refresh token; when a reply lacks it, the current one is kept. */
    private @Nullable String refreshToken;

    /** The access token's lifetime in seconds; without it the JWT exp claim is read. */
    private @Nullable String expiresIn;

    /** The refresh token's lifetime in seconds. */
    private @Nullable String refreshExpiresIn;

    public @Nullable String getAccessToken() {
      return accessToken;
    }

    public void setAccessToken(@Nullable String accessToken) {
      this.accessToken = accessToken;
    }

    public @Nullable String getRefreshToken() {
      return refreshToken;
    }

    public void setRefreshToken(@Nullable String refreshToken) {
      this.refreshToken = refreshToken;
    }

    public @Nullable String getExpiresIn() {
      return expiresIn;
    }

    public void setExpiresIn(@Nullable String expiresIn) {
      this.expiresIn = expiresIn;
    }

    public @Nullable String getRefreshExpiresIn() {
      return refreshExpiresIn;
    }

    public void setRefreshExpiresIn(@Nullable String refreshExpiresIn) {
      this.refreshExpiresIn = refreshExpiresIn;
    }
  }
}
