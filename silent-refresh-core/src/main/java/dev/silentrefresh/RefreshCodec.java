package dev.silentrefresh;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.silentrefresh.internal.Json;
import dev.silentrefresh.internal.TokenLifetime;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Turns a {@link Dialect} and the current tokens into a refresh request, and its reply into an outcome. */
final class RefreshCodec {
  private static final Set<String> OAUTH2_ERRORS = new HashSet<>(Arrays.asList(
      "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type",
      "invalid_scope", "invalid_token", "insufficient_scope", "access_denied", "server_error",
      "temporarily_unavailable"));
  private final Dialect dialect;
  private final int maxReplyBytes;
  private final Duration timeout;

  RefreshCodec(Dialect dialect, int maxReplyBytes, Duration timeout) {
    this.dialect = dialect;
    this.maxReplyBytes = maxReplyBytes;
    this.timeout = timeout;
  }

  RefreshRequest request(Tokens tokens) {
    String refresh = tokens.refreshToken();
    String access = tokens.accessToken();
    URI uri = URI.create(fill(dialect.refreshUrl(), percentEncode(refresh), percentEncode(access)));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    for (Map.Entry<String, String> h : dialect.refreshHeaders().entrySet()) {
      headers.put(h.getKey(), fill(h.getValue(), refresh, access));
    }
    byte[] body = null;
    switch (dialect.bodyFormat()) {
      case FORM: {
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, String> f : dialect.bodyFields().entrySet()) {
          if (form.length() > 0) form.append('&');
          form.append(percentEncode(f.getKey())).append('=').append(percentEncode(fill(f.getValue(), refresh, access)));
        }
        body = form.toString().getBytes(StandardCharsets.UTF_8);
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        break;
      }
      case JSON: {
        ObjectNode o = Json.object();
        for (Map.Entry<String, String> f : dialect.bodyFields().entrySet()) {
          o.put(f.getKey(), fill(f.getValue(), refresh, access));
        }
        body = Json.write(o);
        headers.put("Content-Type", "application/json");
        break;
      }
      default:
        break;
    }
    return new RefreshRequest(dialect.refreshMethod(), uri, headers, body, maxReplyBytes, timeout);
  }

  /** What a refresh reply means. */
  static final class Outcome {
    final Tokens tokens; // success
    final boolean dead;
    final RefreshFailedException failure;

    private Outcome(Tokens tokens, boolean dead, RefreshFailedException failure) {
      this.tokens = tokens;
      this.dead = dead;
      this.failure = failure;
    }

    static Outcome success(Tokens t) {
      return new Outcome(t, false, null);
    }

    static Outcome dead() {
      return new Outcome(null, true, null);
    }

    static Outcome failed(RefreshFailedException e) {
      return new Outcome(null, false, e);
    }
  }

  /**
   * Reads {@code reply}. Never throws: anything unexpected becomes a failure naming what was wrong,
   * never a token.
   *
   * @param previous the tokens the refresh was made with (their refresh token is kept when the reply has
   *     none), or null for a login reply
   * @param receivedAt where lifetimes count from (session clock): when the refresh request was sent, or a login
   *     reply arrived
   */
  Outcome read(RefreshReply reply, Tokens previous, Instant receivedAt) {
    int status = reply.status();
    if (reply.bodyLength() > maxReplyBytes) {
      return malformed(status, "the refresh reply is larger than " + maxReplyBytes + " bytes");
    }
    JsonNode body = reply.isJson() ? Json.parseOrNull(reply.body()) : null;
    for (Signal dead : dialect.refreshTokenDead()) {
      if (dead.matches(status, reply::header, body)) return Outcome.dead();
    }
    if (status >= 500) {
      return Outcome.failed(new RefreshFailedException(RefreshFailedException.Reason.SERVER_ERROR, status,
          "the refresh endpoint answered HTTP " + status, null));
    }
    if (status < 200 || status > 299) {
      return Outcome.failed(new RefreshFailedException(RefreshFailedException.Reason.UNEXPECTED_STATUS, status,
          "the refresh endpoint answered HTTP " + status + describeError(body), null));
    }
    if (body == null) {
      return malformed(status, "the refresh reply is not JSON (" + describeType(reply.header("Content-Type"))
          + ", " + reply.bodyLength() + " bytes)");
    }
    try {
      String access = requiredString(body, dialect.accessTokenPointer(), "access token");
      String refresh = optionalString(body, dialect.refreshTokenPointer(), "refresh token");
      Duration expiresIn = optionalSeconds(body, dialect.expiresInPointer());
      Duration refreshExpiresIn = optionalSeconds(body, dialect.refreshExpiresInPointer());
      Instant expiresAt = TokenLifetime.expiresAt(expiresIn, access, reply.header("Date"), receivedAt);
      boolean keepsRefresh = refresh == null;
      Instant refreshExpiresAt = refreshExpiresIn != null && !refreshExpiresIn.isZero() ? receivedAt.plus(refreshExpiresIn)
          : keepsRefresh && previous != null ? previous.refreshExpiresAt() : null;
      return Outcome.success(Tokens.builder()
          .accessToken(access)
          .refreshToken(keepsRefresh && previous != null ? previous.refreshToken() : refresh)
          .expiresAt(expiresAt)
          .refreshExpiresAt(refreshExpiresAt)
          .build());
    } catch (IllegalArgumentException e) {
      return malformed(status, e.getMessage());
    }
  }

  /**
   * The reply's OAuth2 {@code error} code, when it is a registered one (RFC 6749 §5.2, RFC 6750 §3.1,
   * RFC 6749 §4.1.2.1): any other text may be a token the server echoed, so it is not quoted.
   */
  private static String describeError(JsonNode body) {
    JsonNode error = body == null ? null : body.get("error");
    if (error == null || !error.isTextual() || !OAUTH2_ERRORS.contains(error.asText())) return "";
    return " (error " + error.asText() + ")";
  }

  /**
   * A reply's media type for a message: {@code text/html} or the like, parameters dropped. Only a short
   * lowercase word on each side of the slash is shown (never long enough to be a token a server echoed
   * there); a longer subtype shows as {@code …}.
   */
  private static String describeType(String contentType) {
    if (contentType == null) return "no Content-Type";
    String type = contentType.split(";", 2)[0].trim();
    int slash = type.indexOf('/');
    String main = slash < 0 ? type : type.substring(0, slash);
    if (!main.matches("[a-z]{1,20}")) return "an unreadable Content-Type";
    String sub = slash < 0 ? "" : type.substring(slash + 1);
    return main + "/" + (sub.matches("[a-z0-9.+-]{1,20}") ? sub : "…");
  }

  private static Outcome malformed(int status, String message) {
    return Outcome.failed(new RefreshFailedException(RefreshFailedException.Reason.MALFORMED_REPLY, status,
        message, null));
  }

  private static String requiredString(JsonNode body, String pointer, String what) {
    String s = optionalString(body, pointer, what);
    if (s == null) throw new IllegalArgumentException("the refresh reply has no " + what + " at " + pointer);
    return s;
  }

  private static String optionalString(JsonNode body, String pointer, String what) {
    if (pointer == null) return null;
    JsonNode n = body.at(pointer);
    if (n.isMissingNode() || n.isNull()) return null;
    if (!n.isTextual()) {
      throw new IllegalArgumentException("the " + what + " at " + pointer + " is " + Json.describe(n) + ", expected a string");
    }
    if (n.asText().isEmpty()) throw new IllegalArgumentException("the " + what + " at " + pointer + " is empty");
    return n.asText();
  }

  /**
   * A lifetime in seconds, to the nanosecond: a number, or its digits as a string ({@code 300}, {@code "300"},
   * {@code 1.5}, {@code "1.5"}). Never rounded up, nor down to whole seconds: a short lifetime keeps its fraction.
   */
  private static Duration optionalSeconds(JsonNode body, String pointer) {
    if (pointer == null) return null;
    JsonNode n = body.at(pointer);
    if (n.isMissingNode() || n.isNull()) return null;
    BigDecimal seconds;
    if (n.isNumber()) {
      seconds = n.decimalValue();
    } else if (n.isTextual() && n.asText().matches("\\d{1,12}(\\.\\d{1,9})?")) {
      seconds = new BigDecimal(n.asText());
    } else {
      throw new IllegalArgumentException("the lifetime at " + pointer + " is " + Json.describe(n)
          + ", expected a number of seconds");
    }
    if (seconds.signum() < 0 || seconds.compareTo(MAX_LIFETIME_SECONDS) > 0) {
      throw new IllegalArgumentException("the lifetime at " + pointer + " is out of range: " + seconds.toPlainString()
          + " s");
    }
    return TokenLifetime.seconds(seconds);
  }

  private static final BigDecimal MAX_LIFETIME_SECONDS = BigDecimal.valueOf(100L * 365 * 24 * 3600);

  /**
   * {@code template} with each placeholder replaced by its token, in one pass: a token that happens to
   * contain the other placeholder's text is sent as it is.
   */
  private static String fill(String template, String refresh, String access) {
    StringBuilder out = new StringBuilder(template.length() + refresh.length());
    int i = 0;
    while (i < template.length()) {
      if (template.startsWith(Dialect.REFRESH_TOKEN, i)) {
        out.append(refresh);
        i += Dialect.REFRESH_TOKEN.length();
      } else if (template.startsWith(Dialect.ACCESS_TOKEN, i)) {
        out.append(access);
        i += Dialect.ACCESS_TOKEN.length();
      } else {
        out.append(template.charAt(i++));
      }
    }
    return out.toString();
  }

  /**
   * RFC 3986: everything but unreserved characters is percent-encoded — safe in a path segment, a query
   * and an {@code application/x-www-form-urlencoded} field alike.
   */
  /** {@code application/x-www-form-urlencoded} encoding of one value (space as {@code +}), as RFC 6749 §2.3.1 asks. */
  static String formEncode(String s) {
    return percentEncode(s).replace("%20", "+");
  }

  static String percentEncode(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 8);
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~') {
        out.write(c);
      } else {
        out.write('%');
        out.write(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.write(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return new String(out.toByteArray(), StandardCharsets.US_ASCII);
  }
}
