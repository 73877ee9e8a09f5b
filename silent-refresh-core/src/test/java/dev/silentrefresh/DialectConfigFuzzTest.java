package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.internal.Json;
import dev.silentrefresh.internal.Origins;
import dev.silentrefresh.spi.RefreshRequest;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Dialects built from untrusted configuration (the strings of a properties or YAML file): every builder
 * call and preset either takes its argument or throws {@link IllegalArgumentException} (a malformed
 * argument) or {@link IllegalStateException} (a conflicting or missing part), and a dialect that builds
 * makes a refresh request for any tokens: the refresh token intact, never in the origin, no header
 * broken by the configuration.
 */
class DialectConfigFuzzTest {
  private static final List<String> SCHEMES = Arrays.asList("https", "http", "HTTPS", "ftp", "", "{refreshToken}");
  private static final List<String> USERS = Arrays.asList("", "", "", "u:p@", "{refreshToken}@", "{accessToken}:x@");
  private static final List<String> HOSTS = Arrays.asList("a.test", "127.0.0.1", "[::1]", "", "{refreshToken}",
      "x{accessToken}.test", "exa mple", "a.test.");
  private static final List<String> PORTS = Arrays.asList("", "", ":8080", ":", ":99999", ":{refreshToken}", ":-1");
  private static final List<String> PATHS = Arrays.asList("", "/token", "/refreshJwt/{refreshToken}", "/a b", "/%zz",
      "/é", "/{accessToken}/{refreshToken}", "/%{refreshToken}");
  private static final List<String> QUERIES = Arrays.asList("", "?refreshToken={refreshToken}", "?a=b&c", "?x={accessToken}", "?");
  private static final List<String> FRAGMENTS = Arrays.asList("", "", "#{refreshToken}", "#x");
  private static final List<String> VALUES = Arrays.asList("Bearer ", "Bearer {refreshToken}", "{refreshToken}",
      "{accessToken}", "refresh_token", "Basic abc==", "x\r\nX-Injected: 1", "tab\there", "\u0000", "é", "\u007f", "");

  /** A string as a configuration file might hold: empty, missing, realistic, with placeholders, or hostile. */
  static String configString(SplittableRandom r) {
    switch (r.nextInt(6)) {
      case 0: return r.nextInt(3) == 0 ? null : "";
      case 1: return HostileInput.pick(r, VALUES);
      case 2: return HostileInput.text(r, 30);
      case 3: return HostileInput.pick(r, Arrays.asList("X-Token", "token", "Authorization", "/data/token", "/code", "POST",
          "put", "GET", "DELETE", "grant_type", "Content-Type", "Host"));
      default: {
        String s = HostileInput.pick(r, VALUES) + HostileInput.text(r, 6);
        return s.substring(0, r.nextInt(s.length() + 1)) + (r.nextBoolean() ? Dialect.REFRESH_TOKEN : Dialect.ACCESS_TOKEN)
            + s.substring(r.nextInt(s.length() + 1));
      }
    }
  }

  private static String method(SplittableRandom r) {
    return r.nextInt(4) == 0 ? configString(r) : HostileInput.pick(r, Arrays.asList("POST", "put", "PATCH", "GET"));
  }

  static String urlTemplate(SplittableRandom r) {
    if (r.nextInt(10) == 0) return configString(r);
    return HostileInput.pick(r, SCHEMES) + "://" + HostileInput.pick(r, USERS) + HostileInput.pick(r, HOSTS)
        + HostileInput.pick(r, PORTS) + HostileInput.pick(r, PATHS) + HostileInput.pick(r, QUERIES) + HostileInput.pick(r, FRAGMENTS);
  }

  static String pointer(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0: return configString(r);
      case 1: return "/" + HostileInput.text(r, 20);
      default: return HostileInput.pick(r, Arrays.asList("/access_token", "/data/token", "/a~1b/~0", "/", "//", "/~", "/~2", "/0/-"));
    }
  }

  static Signal signal(SplittableRandom r) {
    Signal s;
    if (r.nextBoolean()) {
      int[] statuses = new int[r.nextInt(3)];
      for (int i = 0; i < statuses.length; i++) statuses[i] = r.nextInt(5) == 0 ? r.nextInt() : r.nextInt(700);
      s = Signal.status(statuses);
    } else {
      Object[] values = new Object[r.nextInt(3)];
      for (int i = 0; i < values.length; i++) values[i] = r.nextInt(4) == 0 ? (Object) r.nextInt() : configString(r);
      s = Signal.body(pointer(r), values);
    }
    if (r.nextInt(3) == 0) s = s.withBody(pointer(r), configString(r));
    if (r.nextInt(3) == 0) s = s.withBearerError(configString(r));
    return s;
  }

  /** One call of the builder with random arguments, or a preset started from random configuration. */
  private static Dialect.Builder step(SplittableRandom r, Dialect.Builder b) {
    switch (r.nextInt(15)) {
      case 0: return b.name(configString(r));
      case 1: return b.tokenHeader(configString(r), configString(r));
      case 2: return b.bearerToken();
      case 3: return b.accessTokenRejectedWhen(signal(r));
      case 4: return b.sessionEndedWhen(signal(r));
      case 5: case 6: return b.refreshRequest(method(r), urlTemplate(r));
      case 7: return b.refreshHeader(configString(r), configString(r));
      case 8: return r.nextBoolean() ? b.refreshFormField(configString(r), configString(r)) : b.refreshJsonField(configString(r), configString(r));
      case 9: return b.accessTokenAt(pointer(r));
      case 10: return b.refreshTokenAt(pointer(r));
      case 11: return r.nextBoolean() ? b.expiresInAt(pointer(r)) : b.refreshExpiresInAt(pointer(r));
      case 12: return b.refreshTokenDeadWhen(signal(r));
      default: return preset(r).toBuilder();
    }
  }

  private static Dialect preset(SplittableRandom r) {
    URI uri = URI.create(HostileInput.pick(r, Arrays.asList("https://a.test/token", "http://127.0.0.1:8080/r/",
        "https://a.test/token?x=1", "/relative", "ftp://a.test/x", "https:opaque", "https://u@a.test/")));
    switch (r.nextInt(7)) {
      case 0: return Dialect.oauth2(uri, configString(r));
      case 1: return Dialect.oauth2ClientSecretBasic(uri, configString(r), configString(r));
      case 2: return Dialect.oauth2ClientSecretPost(uri, configString(r), configString(r));
      case 3: return Dialect.putBearer(uri);
      case 4: return Dialect.code1002(uri, configString(r));
      case 5: return Dialect.code50014(uri);
      default: return Dialect.code401(uri);
    }
  }

  @Test
  void configurationIsTakenOrRefusedWithTheDocumentedExceptionsAndABuiltDialectMakesSoundRequests() {
    Fuzz.check("dialect configuration", 3000, t -> {
      SplittableRandom r = t.random;
      Dialect.Builder b = Dialect.builder();
      for (int i = r.nextInt(12); i >= 0; i--) {
        try {
          b = i == 0 && r.nextBoolean() ? preset(r).toBuilder() : step(r, b);
        } catch (IllegalArgumentException | IllegalStateException refused) {
          assertThat(refused.getMessage()).isNotBlank();
        }
      }
      Dialect dialect;
      try {
        dialect = b.build();
      } catch (IllegalStateException refused) {
        assertThat(refused.getMessage()).isNotBlank();
        return;
      }
      t.note("dialect", dialect + " url " + dialect.refreshUrl() + " headers " + dialect.refreshHeaders()
          + " fields " + dialect.bodyFields());
      assertThat(dialect.toString()).isNotBlank();
      assertThat(dialect.refreshOrigin()).isNotNull();
      dialect.needsBody(HostileInput.status(r));
      for (int i = 0; i < 3; i++) {
        Tokens tokens = Tokens.of(HostileInput.secret(r), HostileInput.secret(r));
        t.note("tokens", tokens.accessToken() + " / " + tokens.refreshToken());
        assertSound(dialect, tokens, new RefreshCodec(dialect, 1024, Duration.ofSeconds(1)).request(tokens));
        assertThat(dialect.tokenHeaderValue(tokens.accessToken())).doesNotContain("\r", "\n", "\u0000");
      }
    });
  }

  private static void assertSound(Dialect dialect, Tokens tokens, RefreshRequest request) {
    assertThat(Origins.originOf(request.uri())).isEqualTo(dialect.refreshOrigin());
    for (Map.Entry<String, String> h : request.headers().entrySet()) {
      assertThat(h.getValue().chars()).allMatch(c -> c == '\t' || (c >= 0x20 && c < 0x7f));
    }
    assertThat(carries(request, tokens.refreshToken())).as("the refresh token, intact, in the request").isTrue();
    assertThat(request.toString()).doesNotContain(tokens.refreshToken(), tokens.accessToken());
  }

  /** True when the request carries {@code token} exactly, in its URL, a header or a body field. */
  private static boolean carries(RefreshRequest request, String token) {
    String encoded = RefreshCodec.percentEncode(token);
    String uri = request.uri().getRawPath() + "?" + request.uri().getRawQuery();
    if (uri.contains(encoded)) return true;
    for (String value : request.headers().values()) if (value.contains(token)) return true;
    byte[] body = request.body();
    if (body == null) return false;
    String text = new String(body, StandardCharsets.UTF_8);
    if ("application/json".equals(request.headers().get("Content-Type"))) {
      JsonNode json = Json.parseOrNull(body);
      for (Iterator<JsonNode> it = json.elements(); it.hasNext(); ) if (it.next().asText().contains(token)) return true;
      return false;
    }
    for (String field : text.split("&")) {
      int eq = field.indexOf('=');
      if (eq >= 0 && URLDecoder.decode(field.substring(eq + 1), StandardCharsets.UTF_8).contains(token)) return true;
    }
    return false;
  }
}
