package dev.silentrefresh.boot;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.Signal;
import dev.silentrefresh.boot.SilentRefreshProperties.ClientAuthentication;
import dev.silentrefresh.boot.SilentRefreshProperties.Custom;
import dev.silentrefresh.boot.SilentRefreshProperties.Session;
import dev.silentrefresh.boot.SilentRefreshProperties.SignalProperties;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/** Turns one session's properties into a {@link Dialect}; every error names the property it comes from. */
final class DialectProperties {
  static final List<String> PRESETS = List.of("oauth2", "put-bearer", "code-1002", "code-50014", "code-401", "custom");

  private final String prefix;
  private final Session session;

  DialectProperties(String prefix, Session session) {
    this.prefix = prefix;
    this.session = session;
  }

  Dialect build() {
    String kind = session.getDialect() == null ? "" : session.getDialect().trim().toLowerCase(Locale.ROOT);
    Dialect.Builder b;
    switch (kind) {
      case "oauth2":
        b = oauth2().toBuilder();
        break;
      case "put-bearer":
        b = preset(Dialect::putBearer).toBuilder();
        break;
      case "code-1002":
        b = call("client-credential", () -> Dialect.code1002(refreshUri(), blankToNull(session.getClientCredential())))
            .toBuilder();
        break;
      case "code-50014":
        b = preset(Dialect::code50014).toBuilder();
        break;
      case "code-401":
        b = preset(Dialect::code401).toBuilder();
        break;
      case "custom":
        b = Dialect.builder();
        break;
      default:
        throw new InvalidSessionPropertyException(prefix + "dialect",
            "unknown dialect '" + session.getDialect() + "'; use one of " + String.join(", ", PRESETS));
    }
    applyCustom(b, kind.equals("custom"));
    try {
      return b.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      throw new InvalidSessionPropertyException(prefix + "custom", e.getMessage()
          + (kind.equals("custom") ? " (a custom dialect needs custom.refresh, custom.reply.access-token,"
              + " custom.access-token-rejected and custom.refresh-token-dead)" : ""), e);
    }
  }

  private Dialect oauth2() {
    String clientId = blankToNull(session.getClientId());
    String secret = blankToNull(session.getClientSecret());
    ClientAuthentication auth = session.getClientAuthentication() != null ? session.getClientAuthentication()
        : secret != null ? ClientAuthentication.CLIENT_SECRET_BASIC : ClientAuthentication.NONE;
    if (auth == ClientAuthentication.NONE) {
      if (secret != null) {
        throw new InvalidSessionPropertyException(prefix + "client-authentication",
            "is none, but client-secret is set; use client-secret-basic or client-secret-post");
      }
      return preset(uri -> Dialect.oauth2(uri, clientId));
    }
    if (clientId == null) throw new InvalidSessionPropertyException(prefix + "client-id", "is required with " + lower(auth));
    if (secret == null) throw new InvalidSessionPropertyException(prefix + "client-secret", "is required with " + lower(auth));
    return auth == ClientAuthentication.CLIENT_SECRET_BASIC
        ? preset(uri -> Dialect.oauth2ClientSecretBasic(uri, clientId, secret))
        : preset(uri -> Dialect.oauth2ClientSecretPost(uri, clientId, secret));
  }

  private Dialect preset(java.util.function.Function<URI, Dialect> factory) {
    URI uri = refreshUri();
    return call("refresh-url", () -> factory.apply(uri));
  }

  URI refreshUri() {
    String url = blankToNull(session.getRefreshUrl());
    if (url == null) {
      throw new InvalidSessionPropertyException(prefix + "refresh-url", "is required with dialect " + session.getDialect());
    }
    return absoluteUrl(prefix + "refresh-url", url);
  }

  private void applyCustom(Dialect.Builder b, boolean custom) {
    Custom c = session.getCustom();
    String cp = prefix + "custom.";
    if (c.getTokenHeader() != null || c.getTokenPrefix() != null) {
      String header = c.getTokenHeader() != null ? c.getTokenHeader() : "Authorization";
      String tokenPrefix = c.getTokenPrefix() != null ? c.getTokenPrefix()
          : header.equalsIgnoreCase("Authorization") ? "Bearer " : "";
      call("custom.token-header", () -> b.tokenHeader(header, tokenPrefix));
    }
    signals(cp + "access-token-rejected", c.getAccessTokenRejected(), b::accessTokenRejectedWhen);
    signals(cp + "session-ended", c.getSessionEnded(), b::sessionEndedWhen);
    signals(cp + "refresh-token-dead", c.getRefreshTokenDead(), b::refreshTokenDeadWhen);

    SilentRefreshProperties.RefreshCall r = c.getRefresh();
    String url = blankToNull(r.getUrl());
    if (url == null && custom) url = blankToNull(session.getRefreshUrl());
    if (url != null || r.getMethod() != null) {
      if (url == null) {
        throw new InvalidSessionPropertyException(cp + "refresh.url", "is required when custom.refresh.method is set");
      }
      String template = url;
      String property = blankToNull(r.getUrl()) != null ? "custom.refresh.url" : "refresh-url";
      absoluteUrl(prefix + property, template.replace(Dialect.REFRESH_TOKEN, "x").replace(Dialect.ACCESS_TOKEN, "x"));
      String method = r.getMethod() == null ? "POST" : r.getMethod();
      call("custom.refresh.method", () -> b.refreshRequest(method, template));
    }
    for (Map.Entry<String, String> h : r.getHeaders().entrySet()) {
      call("custom.refresh.headers." + h.getKey(), () -> b.refreshHeader(h.getKey(), h.getValue()));
    }
    String format = r.getBodyFormat() == null ? null : r.getBodyFormat().trim().toLowerCase(Locale.ROOT);
    if (format != null && !format.equals("form") && !format.equals("json")) {
      throw new InvalidSessionPropertyException(cp + "refresh.body-format", "must be form or json, not '" + r.getBodyFormat() + "'");
    }
    if (format != null && r.getFields().isEmpty()) {
      throw new InvalidSessionPropertyException(cp + "refresh.fields", "are required with body-format " + format);
    }
    for (Map.Entry<String, String> f : r.getFields().entrySet()) {
      if (format == null) {
        throw new InvalidSessionPropertyException(cp + "refresh.body-format", "is required with refresh.fields (form or json)");
      }
      call("custom.refresh.fields." + f.getKey(), () -> {
        if (format.equals("form")) b.refreshFormField(f.getKey(), f.getValue());
        else b.refreshJsonField(f.getKey(), f.getValue());
      });
    }
    SilentRefreshProperties.ReplyPointers p = c.getReply();
    if (p.getAccessToken() != null) call("custom.reply.access-token", () -> b.accessTokenAt(p.getAccessToken()));
    if (p.getRefreshToken() != null) call("custom.reply.refresh-token", () -> b.refreshTokenAt(p.getRefreshToken()));
    if (p.getExpiresIn() != null) call("custom.reply.expires-in", () -> b.expiresInAt(p.getExpiresIn()));
    if (p.getRefreshExpiresIn() != null) {
      call("custom.reply.refresh-expires-in", () -> b.refreshExpiresInAt(p.getRefreshExpiresIn()));
    }
    if (custom) call("dialect", () -> b.name("custom"));
  }

  private void signals(String property, List<SignalProperties> list, Consumer<Signal> add) {
    for (int i = 0; i < list.size(); i++) {
      String at = property + "[" + i + "]";
      SignalProperties s = list.get(i);
      Signal signal = null;
      if (!s.getStatus().isEmpty()) {
        int[] statuses = s.getStatus().stream().mapToInt(v -> v == null ? 0 : v).toArray();
        signal = call(at + ".status", () -> Signal.status(statuses));
      }
      if (s.getBodyPointer() != null || !s.getBodyValues().isEmpty()) {
        if (s.getBodyPointer() == null) throw new InvalidSessionPropertyException(at + ".body-pointer", "is required with body-values");
        if (s.getBodyValues().isEmpty()) throw new InvalidSessionPropertyException(at + ".body-values", "are required with body-pointer");
        Signal base = signal;
        Object[] values = s.getBodyValues().toArray();
        signal = call(at + ".body-pointer", () -> base == null ? Signal.body(s.getBodyPointer(), values)
            : base.withBody(s.getBodyPointer(), values));
      }
      if (s.getBearerError() != null) {
        if (signal == null) throw new InvalidSessionPropertyException(at + ".status", "is required with bearer-error");
        Signal base = signal;
        signal = call(at + ".bearer-error", () -> base.withBearerError(s.getBearerError()));
      }
      if (signal == null) throw new InvalidSessionPropertyException(at, "is empty: give status, body-pointer with body-values, or both");
      add.accept(signal);
    }
  }

  static URI absoluteUrl(String property, String url) {
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (java.net.URISyntaxException e) {
      throw new InvalidSessionPropertyException(property, "is not a valid URL (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new InvalidSessionPropertyException(property, "must be an absolute http or https URL with a host, e.g."
          + " https://auth.example.com/oauth/token");
    }
    return uri;
  }

  private <T> T call(String property, java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (InvalidSessionPropertyException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new InvalidSessionPropertyException(property.startsWith(prefix) ? property : prefix + property, e.getMessage(), e);
    }
  }

  private void call(String property, Runnable step) {
    call(property, () -> {
      step.run();
      return null;
    });
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
