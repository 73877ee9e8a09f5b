package dev.silentrefresh;

import dev.silentrefresh.internal.Origins;
import dev.silentrefresh.spi.RefreshReply;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A backend's token protocol, as data: where the access token goes, how a reply says "access token
 * rejected" or "session ended", how the refresh call is made, where the new tokens are in its reply,
 * and how it says "refresh token dead". Immutable; describe any backend with {@link #builder()}, or
 * start from a preset ({@link #oauth2}, {@link #putBearer}, {@link #code1002}, {@link #code50014},
 * {@link #code401}) and adjust it with {@link #toBuilder()}.
 *
 * <p>Refresh request templates may contain {@value #REFRESH_TOKEN} and {@value #ACCESS_TOKEN}; they
 * are percent-encoded in the URL, form-encoded in form fields and sent as is in headers and JSON.
 */
public final class Dialect {
  /** Placeholder for the refresh token in refresh request templates. */
  public static final String REFRESH_TOKEN = "{refreshToken}";
  /** Placeholder for the current access token in refresh request templates. */
  public static final String ACCESS_TOKEN = "{accessToken}";

  /** How the refresh request carries fields in its body. */
  public enum BodyFormat {
    NONE,
    /** {@code application/x-www-form-urlencoded} (RFC 6749 §6). */
    FORM,
    /** {@code application/json}, an object of string fields. */
    JSON
  }

  private final String name;
  private final String tokenHeader;
  private final String tokenPrefix;
  private final List<Signal> accessTokenRejected;
  private final List<Signal> sessionEnded;
  /** As lists are, but indexed without an iterator: the send path classifies every reply with them. */
  final Signal[] rejectedSignals;
  final Signal[] endedSignals;
  /** The signals of either kind that read the body ({@link #needsBody(int)}). */
  private final Signal[] bodySignals;
  private final String refreshMethod;
  private final String refreshUrl;
  private final Map<String, String> refreshHeaders;
  private final BodyFormat bodyFormat;
  private final Map<String, String> bodyFields;
  private final String accessTokenPointer;
  private final String refreshTokenPointer;
  private final String expiresInPointer;
  private final String refreshExpiresInPointer;
  private final List<Signal> refreshTokenDead;
  /** Whether a session has warned that this dialect puts the refresh token in a URL (once per Dialect object). */
  private final java.util.concurrent.atomic.AtomicBoolean urlWarningGiven = new java.util.concurrent.atomic.AtomicBoolean();

  private Dialect(Builder b) {
    this.name = b.name;
    this.tokenHeader = b.tokenHeader;
    this.tokenPrefix = b.tokenPrefix;
    this.accessTokenRejected = Collections.unmodifiableList(new ArrayList<>(b.accessTokenRejected));
    this.sessionEnded = Collections.unmodifiableList(new ArrayList<>(b.sessionEnded));
    this.rejectedSignals = accessTokenRejected.toArray(new Signal[0]);
    this.endedSignals = sessionEnded.toArray(new Signal[0]);
    this.bodySignals = java.util.stream.Stream.concat(accessTokenRejected.stream(), sessionEnded.stream())
        .filter(Signal::needsBody).toArray(Signal[]::new);
    this.refreshMethod = b.refreshMethod;
    this.refreshUrl = b.refreshUrl;
    this.refreshHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.refreshHeaders));
    this.bodyFormat = b.bodyFormat;
    this.bodyFields = Collections.unmodifiableMap(new LinkedHashMap<>(b.bodyFields));
    this.accessTokenPointer = b.accessTokenPointer;
    this.refreshTokenPointer = b.refreshTokenPointer;
    this.expiresInPointer = b.expiresInPointer;
    this.refreshExpiresInPointer = b.refreshExpiresInPointer;
    this.refreshTokenDead = Collections.unmodifiableList(new ArrayList<>(b.refreshTokenDead));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.tokenHeader = tokenHeader;
    b.tokenPrefix = tokenPrefix;
    b.accessTokenRejected.addAll(accessTokenRejected);
    b.sessionEnded.addAll(sessionEnded);
    b.refreshMethod = refreshMethod;
    b.refreshUrl = refreshUrl;
    b.refreshHeaders.putAll(refreshHeaders);
    b.bodyFormat = bodyFormat;
    b.bodyFields.putAll(bodyFields);
    b.accessTokenPointer = accessTokenPointer;
    b.refreshTokenPointer = refreshTokenPointer;
    b.expiresInPointer = expiresInPointer;
    b.refreshExpiresInPointer = refreshExpiresInPointer;
    b.refreshTokenDead.addAll(refreshTokenDead);
    return b;
  }

  // ---- presets -------------------------------------------------------------------------------

  /**
   * OAuth 2.0 (RFC 6749 §6, RFC 6750): {@code Authorization: Bearer}; expired = 401 (with
   * {@code error="invalid_token"} when the challenge names an error); refresh = POST form
   * {@code grant_type=refresh_token} to the token endpoint; reply {@code access_token},
   * {@code refresh_token}, {@code expires_in}; dead = {@code invalid_grant} with 400, 401 or 403.
   */
  public static Dialect oauth2(URI tokenEndpoint, @Nullable String clientId) {
    Builder b = builder()
        .name("oauth2")
        .bearerToken()
        .accessTokenRejectedWhen(Signal.status(401).withBearerError("invalid_token"))
        .refreshRequest("POST", absolute(tokenEndpoint).toString())
        .refreshFormField("grant_type", "refresh_token")
        .refreshFormField("refresh_token", REFRESH_TOKEN)
        .accessTokenAt("/access_token")
        .refreshTokenAt("/refresh_token")
        .expiresInAt("/expires_in")
        .refreshExpiresInAt("/refresh_expires_in")
        .refreshTokenDeadWhen(Signal.status(400, 401, 403).withBody("/error", "invalid_grant"));
    if (clientId != null) b.refreshFormField("client_id", clientId);
    return b.build();
  }

  /**
   * {@link #oauth2} for a confidential client authenticating with HTTP Basic ({@code client_secret_basic},
   * RFC 6749 §2.3.1): {@code Authorization: Basic base64(urlencode(id):urlencode(secret))} on the refresh
   * call. The secret travels only to the token endpoint and never appears in {@code toString()}.
   */
  public static Dialect oauth2ClientSecretBasic(URI tokenEndpoint, String clientId, String clientSecret) {
    requireCredential(clientId, "clientId");
    requireCredential(clientSecret, "clientSecret");
    String pair = RefreshCodec.formEncode(clientId) + ":" + RefreshCodec.formEncode(clientSecret);
    String basic = java.util.Base64.getEncoder().encodeToString(pair.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return oauth2(tokenEndpoint, null).toBuilder().refreshHeader("Authorization", "Basic " + basic).build();
  }

  /**
   * {@link #oauth2} for a confidential client sending its credentials in the form ({@code client_secret_post}):
   * {@code client_id} and {@code client_secret} fields on the refresh call.
   */
  public static Dialect oauth2ClientSecretPost(URI tokenEndpoint, String clientId, String clientSecret) {
    requireCredential(clientSecret, "clientSecret");
    return oauth2(tokenEndpoint, requireCredential(clientId, "clientId")).toBuilder()
        .refreshFormField("client_secret", clientSecret).build();
  }

  private static String requireCredential(String value, String name) {
    if (value == null || value.isEmpty()) throw new IllegalArgumentException(name + " is empty");
    return value;
  }

  /**
   * Expired = HTTP 401; refresh = {@code PUT} to {@code endpoint} with {@code Authorization: Bearer
   * <refresh token>}; reply {@code {"data":{"token":…}}} (refresh token kept); dead = 401 or 403.
   */
  public static Dialect putBearer(URI endpoint) {
    return builder()
        .name("put-bearer")
        .bearerToken()
        .accessTokenRejectedWhen(Signal.status(401))
        .refreshRequest("PUT", absolute(endpoint).toString())
        .refreshHeader("Authorization", "Bearer " + REFRESH_TOKEN)
        .accessTokenAt("/data/token")
        .refreshTokenAt("/data/refreshToken")
        .expiresInAt("/data/expiresIn")
        .refreshTokenDeadWhen(Signal.status(401, 403))
        .build();
  }

  /**
   * Expired = {@code {"code":1002}} (HTTP 200); refresh = POST JSON {@code {"refreshToken":…,
   * "authorization":<client credential>}}; reply {@code {"token":…,"refreshToken":…}}; dead = 401.
   */
  public static Dialect code1002(URI renewalEndpoint, @Nullable String clientCredential) {
    Builder b = builder()
        .name("code-1002")
        .bearerToken()
        .accessTokenRejectedWhen(Signal.body("/code", 1002))
        .refreshRequest("POST", absolute(renewalEndpoint).toString())
        .refreshJsonField("refreshToken", REFRESH_TOKEN)
        .accessTokenAt("/token")
        .refreshTokenAt("/refreshToken")
        .refreshTokenDeadWhen(Signal.status(401));
    if (clientCredential != null) b.refreshJsonField("authorization", clientCredential);
    return b.build();
  }

  /**
   * Header {@code X-Token}; expired = {@code {"code":50014}}; session ended = {@code 50008} (illegal
   * token) or {@code 50012} (signed in elsewhere); refresh = POST {@code <prefix><refresh token>};
   * reply {@code {"code":0,"data":{"token":…,"refreshToken":…}}}; dead = {@code {"code":10007}}.
   *
   * @param refreshPrefix the refresh URL up to the token, e.g. {@code https://api.example.com/refreshJwt/}
   */
  public static Dialect code50014(URI refreshPrefix) {
    String prefix = absolute(refreshPrefix).toString();
    return builder()
        .name("code-50014")
        .tokenHeader("X-Token", "")
        .accessTokenRejectedWhen(Signal.body("/code", 50014))
        .sessionEndedWhen(Signal.body("/code", 50008, 50012))
        .refreshRequest("POST", (prefix.endsWith("/") ? prefix : prefix + "/") + REFRESH_TOKEN)
        .accessTokenAt("/data/token")
        .refreshTokenAt("/data/refreshToken")
        .refreshTokenDeadWhen(Signal.body("/code", 10007))
        .build();
  }

  /**
   * Header {@code token}; expired = HTTP 400 with {@code {"code":401}}; refresh = POST
   * {@code <endpoint>?refreshToken=…}; reply {@code {"data":{"accessToken":…,"refreshToken":…}}};
   * dead = HTTP 400 with {@code {"code":402}}.
   */
  public static Dialect code401(URI refreshEndpoint) {
    String url = absolute(refreshEndpoint).toString();
    return builder()
        .name("code-401")
        .tokenHeader("token", "")
        .accessTokenRejectedWhen(Signal.status(400).withBody("/code", 401))
        .refreshRequest("POST", url + (url.contains("?") ? "&" : "?") + "refreshToken=" + REFRESH_TOKEN)
        .accessTokenAt("/data/accessToken")
        .refreshTokenAt("/data/refreshToken")
        .expiresInAt("/data/expiresIn")
        .refreshTokenDeadWhen(Signal.status(400).withBody("/code", 402))
        .build();
  }

  private static URI absolute(URI uri) {
    if (uri == null) throw new IllegalArgumentException("endpoint is missing");
    return Builder.checkUrl(uri.toString());
  }

  // ---- accessors -----------------------------------------------------------------------------

  public String name() {
    return name;
  }

  /** The request header that carries the access token. */
  public String tokenHeader() {
    return tokenHeader;
  }

  /** The header value for {@code accessToken}, e.g. {@code "Bearer " + accessToken}. */
  public String tokenHeaderValue(String accessToken) {
    return tokenPrefix + accessToken;
  }

  public List<Signal> accessTokenRejected() {
    return accessTokenRejected;
  }

  public List<Signal> sessionEnded() {
    return sessionEnded;
  }

  public List<Signal> refreshTokenDead() {
    return refreshTokenDead;
  }

  String refreshMethod() {
    return refreshMethod;
  }

  String refreshUrl() {
    return refreshUrl;
  }

  /** Whether the refresh URL carries the refresh token (in its path or query). */
  boolean refreshTokenInUrl() {
    return refreshUrl.contains(REFRESH_TOKEN);
  }

  /** True the first time it is called on this object: the URL warning is given once per Dialect. */
  boolean firstUrlWarning() {
    return urlWarningGiven.compareAndSet(false, true);
  }

  Map<String, String> refreshHeaders() {
    return refreshHeaders;
  }

  BodyFormat bodyFormat() {
    return bodyFormat;
  }

  Map<String, String> bodyFields() {
    return bodyFields;
  }

  String accessTokenPointer() {
    return accessTokenPointer;
  }

  String refreshTokenPointer() {
    return refreshTokenPointer;
  }

  String expiresInPointer() {
    return expiresInPointer;
  }

  String refreshExpiresInPointer() {
    return refreshExpiresInPointer;
  }

  /** The refresh endpoint's origin ({@code scheme://host:port}), the default scope of a session. */
  public URI refreshOrigin() {
    URI u = URI.create(Builder.withPlaceholders(refreshUrl, "x"));
    return Origins.originOf(u);
  }

  /**
   * Reads tokens from a JSON reply laid out like this dialect's refresh reply — as most backends'
   * login replies are. Lifetimes ({@code expires_in}, else the JWT's {@code exp − iat}) count from
   * {@code receivedAt}. A {@link LoginHandler} turns its login reply into tokens with this.
   *
   * @throws IllegalArgumentException naming what is wrong with the reply (never a token)
   */
  public Tokens readTokens(byte[] replyJson, java.time.Instant receivedAt) {
    if (replyJson == null || replyJson.length == 0) throw new IllegalArgumentException("the login reply is empty");
    java.util.Map<String, List<String>> json = Collections.singletonMap(
        "Content-Type", Collections.singletonList("application/json"));
    RefreshCodec.Outcome outcome = new RefreshCodec(this, Integer.MAX_VALUE, java.time.Duration.ZERO)
        .read(RefreshReply.of(200, json, replyJson), null, receivedAt);
    if (outcome.tokens != null) return outcome.tokens;
    String why = outcome.failure != null ? outcome.failure.getMessage() : "it says the refresh token is dead";
    throw new IllegalArgumentException("cannot read tokens from this reply: " + why.replace("the refresh reply", "the reply"));
  }

  /** As {@link #readTokens(byte[], java.time.Instant)}, received now. */
  public Tokens readTokens(byte[] replyJson) {
    return readTokens(replyJson, java.time.Instant.now());
  }

  /** True when an API reply with this status may need its JSON body read to be classified. */
  public boolean needsBody(int status) {
    for (Signal s : bodySignals) if (s.appliesToStatus(status)) return true;
    return false;
  }

  @Override
  public String toString() {
    return "Dialect{" + name + ", " + refreshMethod + " " + refreshOrigin() + '}';
  }

  /**
   * Builds a {@link Dialect}. Required: a refresh request and where the access token is in its reply.
   *
   * <p>Dialects are often built from configuration files, so every argument is checked where it is
   * given. A malformed one — null or empty where a value is needed, a header name or value an HTTP client
   * would refuse, a URL that is not absolute http(s) or that has a placeholder outside its path and
   * query, a JSON pointer that does not start with {@code /} — throws {@link IllegalArgumentException}.
   * A body field of another format than the fields already given throws {@link IllegalStateException},
   * as does {@link #build()} when a required part is missing or the parts do not fit together. No other
   * exception is thrown, and messages never quote a header value or a body field value (either may hold
   * a client secret).
   */
  public static final class Builder {
    private String name = "custom";
    private String tokenHeader = "Authorization";
    private String tokenPrefix = "Bearer ";
    private final List<Signal> accessTokenRejected = new ArrayList<>();
    private final List<Signal> sessionEnded = new ArrayList<>();
    private String refreshMethod;
    private String refreshUrl;
    private final Map<String, String> refreshHeaders = new LinkedHashMap<>();
    private BodyFormat bodyFormat = BodyFormat.NONE;
    private final Map<String, String> bodyFields = new LinkedHashMap<>();
    private String accessTokenPointer;
    private String refreshTokenPointer;
    private String expiresInPointer;
    private String refreshExpiresInPointer;
    private final List<Signal> refreshTokenDead = new ArrayList<>();

    private Builder() {}

    /** A short name for logs and reports. */
    public Builder name(String name) {
      if (name == null || name.isEmpty()) throw new IllegalArgumentException("name is empty");
      this.name = name;
      return this;
    }

    /** Send the access token as {@code Authorization: Bearer <token>} (the default). */
    public Builder bearerToken() {
      return tokenHeader("Authorization", "Bearer ");
    }

    /** Send the access token in header {@code name} as {@code prefix + token}; prefix may be empty. */
    public Builder tokenHeader(String name, @Nullable String prefix) {
      this.tokenHeader = checkHeaderName(name);
      this.tokenPrefix = prefix == null ? "" : checkHeaderValue(prefix, name);
      return this;
    }

    /** Replies that mean "this access token is expired or invalid: refresh and replay". Adds to the list. */
    public Builder accessTokenRejectedWhen(Signal... signals) {
      addAll(accessTokenRejected, signals);
      return this;
    }

    /** Replies that mean "this session is over: sign in again" (no refresh attempted). Adds to the list. */
    public Builder sessionEndedWhen(Signal... signals) {
      addAll(sessionEnded, signals);
      return this;
    }

    /**
     * The refresh call: method ({@code POST}, {@code PUT}, {@code PATCH} or {@code GET}) and absolute
     * http(s) URL template. The placeholders may stand in its path and query only: a token never
     * decides where the call goes.
     */
    public Builder refreshRequest(String method, String urlTemplate) {
      String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
      if (!m.equals("POST") && !m.equals("PUT") && !m.equals("PATCH") && !m.equals("GET")) {
        throw new IllegalArgumentException("refresh method must be POST, PUT, PATCH or GET, not " + method);
      }
      if (urlTemplate == null) throw new IllegalArgumentException("the refresh URL is missing");
      URI x = checkUrl(withPlaceholders(urlTemplate, "x"));
      URI y = checkUrl(withPlaceholders(urlTemplate, "y"));
      if (!x.getScheme().equals(y.getScheme()) || !x.getRawAuthority().equals(y.getRawAuthority())
          || !java.util.Objects.equals(x.getRawFragment(), y.getRawFragment())) {
        throw new IllegalArgumentException("the refresh URL may hold " + REFRESH_TOKEN + " and " + ACCESS_TOKEN
            + " in its path and query only: " + Origins.originOf(x));
      }
      this.refreshMethod = m;
      this.refreshUrl = urlTemplate;
      return this;
    }

    /** A header of the refresh call; the value may contain the placeholders. */
    public Builder refreshHeader(String name, String valueTemplate) {
      String checkedName = checkHeaderName(name);
      if (valueTemplate == null) throw new IllegalArgumentException("header " + name + " has no value");
      refreshHeaders.put(checkedName, checkHeaderValue(valueTemplate, name));
      return this;
    }

    /** A field of a form-encoded refresh body; the value may contain the placeholders. */
    public Builder refreshFormField(String name, String valueTemplate) {
      return bodyField(BodyFormat.FORM, name, valueTemplate);
    }

    /** A string field of a JSON refresh body; the value may contain the placeholders. */
    public Builder refreshJsonField(String name, String valueTemplate) {
      return bodyField(BodyFormat.JSON, name, valueTemplate);
    }

    /** JSON pointer to the new access token in the refresh reply (required). */
    public Builder accessTokenAt(String jsonPointer) {
      this.accessTokenPointer = Signal.requirePointer(jsonPointer);
      return this;
    }

    /** JSON pointer to the new refresh token; when absent from a reply, the current one is kept. */
    public Builder refreshTokenAt(@Nullable String jsonPointer) {
      this.refreshTokenPointer = jsonPointer == null ? null : Signal.requirePointer(jsonPointer);
      return this;
    }

    /** JSON pointer to the access token's lifetime in seconds; when absent, the JWT {@code exp} claim is used. */
    public Builder expiresInAt(@Nullable String jsonPointer) {
      this.expiresInPointer = jsonPointer == null ? null : Signal.requirePointer(jsonPointer);
      return this;
    }

    /** JSON pointer to the refresh token's lifetime in seconds, when the backend tells it. */
    public Builder refreshExpiresInAt(@Nullable String jsonPointer) {
      this.refreshExpiresInPointer = jsonPointer == null ? null : Signal.requirePointer(jsonPointer);
      return this;
    }

    /** Refresh replies that mean "the refresh token is dead: sign in again". Adds to the list. */
    public Builder refreshTokenDeadWhen(Signal... signals) {
      addAll(refreshTokenDead, signals);
      return this;
    }

    /** @throws IllegalStateException naming what is missing or inconsistent */
    public Dialect build() {
      if (refreshUrl == null) throw new IllegalStateException("dialect " + name + ": no refresh request (refreshRequest(method, url))");
      if (accessTokenPointer == null) throw new IllegalStateException("dialect " + name + ": no accessTokenAt(pointer) for the refresh reply");
      if (accessTokenRejected.isEmpty()) throw new IllegalStateException("dialect " + name + ": no accessTokenRejectedWhen(signal)");
      if (refreshTokenDead.isEmpty()) throw new IllegalStateException("dialect " + name + ": no refreshTokenDeadWhen(signal)");
      boolean sendsRefreshToken = refreshUrl.contains(REFRESH_TOKEN)
          || refreshHeaders.values().stream().anyMatch(v -> v.contains(REFRESH_TOKEN))
          || bodyFields.values().stream().anyMatch(v -> v.contains(REFRESH_TOKEN));
      if (!sendsRefreshToken) {
        throw new IllegalStateException("dialect " + name + ": the refresh request never sends " + REFRESH_TOKEN
            + " (put it in the URL, a header or a body field)");
      }
      if (bodyFormat != BodyFormat.NONE && refreshMethod.equals("GET")) {
        throw new IllegalStateException("dialect " + name + ": a GET refresh request cannot have a body");
      }
      return new Dialect(this);
    }

    private Builder bodyField(BodyFormat format, String name, String valueTemplate) {
      if (bodyFormat != BodyFormat.NONE && bodyFormat != format) {
        throw new IllegalStateException("the refresh body is already " + bodyFormat + "; cannot add a " + format + " field");
      }
      if (name == null || name.isEmpty()) throw new IllegalArgumentException("body field name is empty");
      checkUnicode(name, "the name of a body field");
      if (valueTemplate == null) throw new IllegalArgumentException("body field " + name + " has no value");
      checkUnicode(valueTemplate, "the value of body field " + name);
      bodyFormat = format;
      bodyFields.put(name, valueTemplate);
      return this;
    }

    private static void addAll(List<Signal> list, Signal... signals) {
      for (Signal s : signals) {
        if (s == null) throw new IllegalArgumentException("null signal");
        list.add(s);
      }
    }

    static URI checkUrl(String url) {
      URI u;
      try {
        u = new URI(url);
      } catch (java.net.URISyntaxException e) {
        // the reason and where, not the URL: its query may hold a client credential
        throw new IllegalArgumentException("not a valid URL: " + e.getReason() + " at index " + e.getIndex());
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        throw new IllegalArgumentException("the refresh URL must be absolute http(s) with a host: " + Origins.originOf(u));
      }
      return u;
    }

    /**
     * A header value every HTTP client sends as it is: visible ASCII, spaces and tabs. The value is not
     * quoted in the message (it may hold a client secret).
     */
    private static String checkHeaderValue(String value, String header) {
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if ((c < 0x20 && c != '\t') || c >= 0x7f) {
          throw new IllegalArgumentException("the value of header " + header
              + " has a character not allowed in an HTTP header (at index " + i + ")");
        }
      }
      return value;
    }

    /** Text that encodes to UTF-8 as it is: no unpaired surrogate (which an encoder would replace or garble). */
    private static void checkUnicode(String text, String what) {
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw new IllegalArgumentException(what + " has an unpaired surrogate (at index " + i + ")");
        }
      }
    }

    private static String withPlaceholders(String template, String filler) {
      return template.replace(REFRESH_TOKEN, filler).replace(ACCESS_TOKEN, filler);
    }

    private static String checkHeaderName(String name) {
      if (name == null || name.isEmpty()) throw new IllegalArgumentException("header name is empty");
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
          throw new IllegalArgumentException("not a valid header name: " + name);
        }
      }
      return name;
    }
  }
}
