package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** CORS as browser front ends need it, over real HTTP: credentials, each dialect's request headers, origins. */
class CorsTest extends ServerTestBase {
  private static final String PAGE = "http://127.0.0.1:5173";

  /** What each dialect's front end sends on its refresh call, as a browser names it in the preflight. */
  @ParameterizedTest
  @CsvSource({
      "OAUTH2,     POST, content-type",
      "PUT_BEARER, PUT,  authorization",
      "CODE_1002,  POST, authorization,content-type",
      "CODE_50014, POST, x-token",
      "CODE_401,   POST, istoken,token,repeatsubmit",
  })
  void preflightAllowsTheMethodAndHeadersOfEachDialectsRefreshCall(Profile p, String method, String headers) {
    AuthServer s = start(p);
    HttpResponse<String> preflight = Wire.send(HttpRequest.newBuilder(s.refreshUri())
        .method("OPTIONS", BodyPublishers.noBody())
        .header("Origin", PAGE)
        .header("Access-Control-Request-Method", method)
        .header("Access-Control-Request-Headers", headers));
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains(method);
    assertThat(allowedHeaders(preflight)).containsAll(Arrays.asList(headers.split(",")));
    assertThat(s.counters().refreshCalls()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aCredentialedRequestFromALoopbackPageGetsItsOriginBackWithCredentials(Profile p) {
    AuthServer s = start(p);
    for (String origin : new String[] {PAGE, "http://localhost:3000", "http://[::1]:8081", "https://127.0.0.2"}) {
      HttpResponse<String> login = Wire.send(loginFrom(s, origin));
      assertThat(login.statusCode()).isEqualTo(200);
      assertThat(login.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
      assertThat(login.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
      assertThat(login.headers().firstValue("Vary")).hasValue("Origin");
    }
  }

  @Test
  void rejectionsExposeTheHeadersAClientMustRead() {
    AuthServer s = start(Profile.OAUTH2);
    HttpResponse<String> rejected = Wire.send(HttpRequest.newBuilder(s.apiUri("/api/me"))
        .header("Origin", PAGE).header("Authorization", "Bearer nope").GET());
    assertThat(rejected.statusCode()).isEqualTo(401);
    assertThat(rejected.headers().firstValue("WWW-Authenticate")).isPresent();
    Set<String> exposed = names(rejected.headers().firstValue("Access-Control-Expose-Headers").orElse(""));
    assertThat(exposed).contains("www-authenticate", "retry-after", "date");
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://evil.example", "http://127.0.0.1.evil.example", "null", "http://localhost.evil"})
  void anyOtherOriginGetsNoAllowOriginSoTheBrowserKeepsTheReply(String origin) {
    AuthServer s = start(Profile.CODE_1002);
    HttpResponse<String> login = Wire.send(loginFrom(s, origin));
    assertThat(login.statusCode()).isEqualTo(200); // the server answers; the browser hides it from the page
    assertThat(login.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(login.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    assertThat(login.headers().firstValue("Vary")).hasValue("Origin");
  }

  @Test
  void configuredOriginsAreAllowedBesideLoopback() {
    AuthServer s = start(Profile.CODE_401, b -> b.corsOrigin("https://App.Example.test"));
    assertThat(Wire.send(loginFrom(s, "https://app.example.test")).headers().firstValue("Access-Control-Allow-Origin"))
        .hasValue("https://app.example.test");
    assertThat(Wire.send(loginFrom(s, PAGE)).headers().firstValue("Access-Control-Allow-Origin")).hasValue(PAGE);
    assertThat(Wire.send(loginFrom(s, "https://other.example.test")).headers().firstValue("Access-Control-Allow-Origin"))
        .isEmpty();

    AuthServer any = start(Profile.CODE_401, b -> b.corsOrigin("*"));
    HttpResponse<String> r = Wire.send(loginFrom(any, "https://other.example.test"));
    assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://other.example.test");
    assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"app.example.test", "https://app.example.test/", "https://app.example.test/path",
      "ftp://app.example.test", "https://app.example.test?x=1", "https://user@app.example.test"})
  void aMalformedOriginIsRefusedNamingIt(String origin) {
    assertThatThrownBy(() -> AuthServer.builder(Profile.OAUTH2).corsOrigin(origin))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + origin + "'");
  }

  @Test
  void jettysOwnErrorRepliesForUnparsableRequestsCarryTheWildcard() throws IOException {
    AuthServer s = start(Profile.OAUTH2);
    try (Socket socket = new Socket(s.baseUri().getHost(), s.baseUri().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/me HTTP/1.1\r\nHost: x\r\nOrigin: " + PAGE + "\r\nContent-Length: nope\r\n"
          + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
      // a request Jetty could not parse has no headers to read the origin from: the credential-less wildcard
      assertThat(reply).startsWith("HTTP/1.1 400").contains("Access-Control-Allow-Origin: *\r\n")
          .contains("Vary: Origin\r\n").doesNotContain("Access-Control-Allow-Credentials");
    }
  }

  private static HttpRequest.Builder loginFrom(AuthServer s, String origin) {
    HttpRequest.Builder b = s.profile() == Profile.OAUTH2
        ? Wire.postForm(s.loginUri(), "grant_type=password&username=demo&password=demo-password&client_id=" + s.clientId())
        : Wire.postJson(s.loginUri(), "{\"username\":\"demo\",\"password\":\"demo-password\"}");
    return b.header("Origin", origin);
  }

  /** The header names a preflight reply allows, in lower case (browsers compare them case-insensitively). */
  static Set<String> allowedHeaders(HttpResponse<String> preflight) {
    return names(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""));
  }

  private static Set<String> names(String list) {
    return Arrays.stream(list.split(",")).map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
  }
}
