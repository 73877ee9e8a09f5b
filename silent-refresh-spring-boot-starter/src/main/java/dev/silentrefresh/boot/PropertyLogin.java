package dev.silentrefresh.boot;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.LoginHandler;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.boot.SilentRefreshProperties.ClientAuthentication;
import dev.silentrefresh.boot.SilentRefreshProperties.Grant;
import dev.silentrefresh.boot.SilentRefreshProperties.Login;
import dev.silentrefresh.boot.SilentRefreshProperties.Session;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LoginHandler} described by properties: an OAuth2 {@code client_credentials} or {@code password}
 * grant at the token endpoint, or any backend's login call. It sends through the session's refresh transport
 * (no interceptors, no redirects) and reads the reply with the session's dialect. Runs on the session's
 * executor; never blocks it.
 */
final class PropertyLogin implements LoginHandler {
  private static final Pattern ERROR_CODE = Pattern.compile("\"error\"\\s*:\\s*\"([A-Za-z0-9_.-]{1,64})\"");
  private static final int MAX_REPLY = 256 * 1024;

  private final Dialect dialect;
  private final @Nullable RefreshTransport transport;
  private final String method;
  private final URI uri;
  private final Map<String, String> headers;
  private final byte[] body;
  private final Duration timeout;

  private PropertyLogin(Dialect dialect, @Nullable RefreshTransport transport, String method, URI uri,
      Map<String, String> headers, byte[] body, Duration timeout) {
    this.dialect = dialect;
    this.transport = transport;
    this.method = method;
    this.uri = uri;
    this.headers = headers;
    this.body = body;
    this.timeout = timeout;
  }

  /** The same login, sending through {@code transport}. */
  PropertyLogin through(RefreshTransport transport) {
    return new PropertyLogin(dialect, transport, method, uri, headers, body, timeout);
  }

  /** The login the properties describe (send it {@link #through} a transport), or null for grant none. */
  static @Nullable PropertyLogin of(String prefix, Session s, Dialect dialect) {
    Login login = s.getLogin();
    String lp = prefix + "login.";
    if (login.getGrant() == Grant.NONE) {
      if (login.getUrl() != null || login.getUsername() != null || !login.getFields().isEmpty()) {
        throw new InvalidSessionPropertyException(lp + "grant", "is none, but other login properties are set;"
            + " set grant to client-credentials, password or request");
      }
      return null;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    if (login.getGrant() == Grant.REQUEST) {
      String url = DialectProperties.blankToNull(login.getUrl());
      if (url == null) throw new InvalidSessionPropertyException(lp + "url", "is required with grant request");
      URI uri = DialectProperties.absoluteUrl(lp + "url", url);
      String method = login.getMethod() == null ? "" : login.getMethod().trim().toUpperCase(Locale.ROOT);
      if (!method.equals("POST") && !method.equals("PUT")) {
        throw new InvalidSessionPropertyException(lp + "method", "must be POST or PUT, not '" + login.getMethod() + "'");
      }
      String format = login.getBodyFormat() == null ? "" : login.getBodyFormat().trim().toLowerCase(Locale.ROOT);
      byte[] body;
      if (format.equals("json")) {
        body = json(login.getFields());
        headers.put("Content-Type", "application/json");
      } else if (format.equals("form")) {
        body = form(login.getFields());
        headers.put("Content-Type", "application/x-www-form-urlencoded");
      } else {
        throw new InvalidSessionPropertyException(lp + "body-format", "must be json or form, not '" + login.getBodyFormat() + "'");
      }
      login.getHeaders().forEach((name, value) -> {
        if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
          throw new InvalidSessionPropertyException(lp + "headers", "'" + name + "' is not a valid header name");
        }
        headers.put(name, value);
      });
      return new PropertyLogin(dialect, null, method, uri, headers, body, s.getRefreshTimeout());
    }
    // OAuth2 grants at the token endpoint
    String url = DialectProperties.blankToNull(login.getUrl());
    URI uri = url != null ? DialectProperties.absoluteUrl(lp + "url", url)
        : new DialectProperties(prefix, s).refreshUri();
    Map<String, String> form = new LinkedHashMap<>();
    if (login.getGrant() == Grant.PASSWORD) {
      form.put("grant_type", "password");
      form.put("username", required(lp + "username", login.getUsername(), "grant password"));
      form.put("password", required(lp + "password", login.getPassword(), "grant password"));
    } else {
      form.put("grant_type", "client_credentials");
    }
    if (DialectProperties.blankToNull(login.getScope()) != null) form.put("scope", login.getScope());
    String clientId = DialectProperties.blankToNull(s.getClientId());
    String secret = DialectProperties.blankToNull(s.getClientSecret());
    ClientAuthentication auth = s.getClientAuthentication() != null ? s.getClientAuthentication()
        : secret != null ? ClientAuthentication.CLIENT_SECRET_BASIC : ClientAuthentication.NONE;
    if (login.getGrant() == Grant.CLIENT_CREDENTIALS && auth == ClientAuthentication.NONE) {
      throw new InvalidSessionPropertyException(prefix + "client-secret",
          "is required with login.grant client-credentials (a confidential client)");
    }
    if (auth == ClientAuthentication.CLIENT_SECRET_BASIC) {
      String pair = formEncode(clientId) + ":" + formEncode(secret);
      headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    } else {
      if (clientId != null) form.put("client_id", clientId);
      if (auth == ClientAuthentication.CLIENT_SECRET_POST) form.put("client_secret", secret);
    }
    headers.put("Content-Type", "application/x-www-form-urlencoded");
    return new PropertyLogin(dialect, null, "POST", uri, headers, form(form), s.getRefreshTimeout());
  }

  @Override
  public CompletionStage<Tokens> login(LoginRequiredException reason) {
    RefreshRequest request = new RefreshRequest(method, uri, headers, body, MAX_REPLY, timeout);
    if (transport == null) throw new IllegalStateException("no transport");
    return transport.execute(request).thenApply(this::tokens);
  }

  private Tokens tokens(RefreshReply reply) {
    if (reply.status() < 200 || reply.status() > 299) {
      String error = "";
      if (reply.isJson()) {
        java.util.regex.Matcher m = ERROR_CODE.matcher(new String(reply.body(), StandardCharsets.UTF_8));
        if (m.find()) error = " (" + m.group(1) + ")";
      }
      throw new IllegalStateException("the login at " + origin() + " was refused: HTTP " + reply.status() + error);
    }
    if (reply.bodyLength() > MAX_REPLY) {
      throw new IllegalStateException("the login reply from " + origin() + " is over " + MAX_REPLY + " bytes");
    }
    return dialect.readTokens(reply.body());
  }

  private String origin() {
    return uri.getScheme() + "://" + uri.getAuthority();
  }

  private static String required(String property, String value, String with) {
    if (value == null || value.isEmpty()) throw new InvalidSessionPropertyException(property, "is required with " + with);
    return value;
  }

  private static byte[] form(Map<String, String> fields) {
    StringBuilder sb = new StringBuilder();
    fields.forEach((k, v) -> {
      if (sb.length() > 0) sb.append('&');
      sb.append(formEncode(k)).append('=').append(formEncode(v == null ? "" : v));
    });
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] json(Map<String, String> fields) {
    com.fasterxml.jackson.databind.node.ObjectNode node = com.fasterxml.jackson.databind.json.JsonMapper.builder()
        .build().createObjectNode();
    fields.forEach(node::put);
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String formEncode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Shows where it signs in, never a credential. */
  @Override
  public String toString() {
    return "PropertyLogin{" + method + " " + origin() + '}';
  }
}
