package dev.silentrefresh;

import dev.silentrefresh.spi.RefreshRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DialectTest {
  private static final URI HOST = URI.create("https://api.example.com");
  private static final Tokens TOKENS = Tokens.of("acc.ess", "re/fresh+token=");

  private static RefreshRequest request(Dialect d) {
    return new RefreshCodec(d, 1024, Duration.ofSeconds(1)).request(TOKENS);
  }

  private static String body(RefreshRequest r) {
    return r.body() == null ? null : new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void oauth2SendsAFormWithTheRefreshTokenFormEncoded() {
    RefreshRequest r = request(Dialect.oauth2(HOST.resolve("/oauth/token"), "my client"));
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.uri()).isEqualTo(URI.create("https://api.example.com/oauth/token"));
    assertThat(r.headers()).containsEntry("Content-Type", "application/x-www-form-urlencoded");
    assertThat(body(r)).isEqualTo("grant_type=refresh_token&refresh_token=re%2Ffresh%2Btoken%3D&client_id=my%20client");
  }

  @Test
  void confidentialOauth2ClientsAuthenticateWithBasicOrPostAndNeverShowTheSecret() {
    Dialect basic = Dialect.oauth2ClientSecretBasic(HOST.resolve("/oauth/token"), "my client", "s3cr:et");
    RefreshRequest b = request(basic);
    String expected = java.util.Base64.getEncoder().encodeToString("my+client:s3cr%3Aet".getBytes(StandardCharsets.UTF_8));
    assertThat(b.headers()).containsEntry("Authorization", "Basic " + expected);
    assertThat(body(b)).isEqualTo("grant_type=refresh_token&refresh_token=re%2Ffresh%2Btoken%3D");
    RefreshRequest p = request(Dialect.oauth2ClientSecretPost(HOST.resolve("/oauth/token"), "app", "s3cret"));
    assertThat(body(p)).endsWith("&client_id=app&client_secret=s3cret");
    assertThat(basic.toString() + b + p + Dialect.oauth2ClientSecretPost(HOST, "app", "s3cret"))
        .doesNotContain("s3cr").doesNotContain(expected);
    assertThatThrownBy(() -> Dialect.oauth2ClientSecretBasic(HOST, "app", "")).hasMessageContaining("clientSecret");
  }

  @Test
  void putBearerSendsTheRefreshTokenAsBearer() {
    RefreshRequest r = request(Dialect.putBearer(HOST.resolve("/v1_0/authorizations")));
    assertThat(r.method()).isEqualTo("PUT");
    assertThat(r.headers()).containsEntry("Authorization", "Bearer re/fresh+token=");
    assertThat(r.body()).isNull();
  }

  @Test
  void code1002SendsJson() {
    RefreshRequest r = request(Dialect.code1002(HOST.resolve("/app/renewal"), "cred"));
    assertThat(r.headers()).containsEntry("Content-Type", "application/json");
    assertThat(body(r)).isEqualTo("{\"refreshToken\":\"re/fresh+token=\",\"authorization\":\"cred\"}");
  }

  @Test
  void code50014PutsTheTokenInThePathPercentEncoded() {
    RefreshRequest r = request(Dialect.code50014(HOST.resolve("/refreshJwt/")));
    assertThat(r.uri().getRawPath()).isEqualTo("/refreshJwt/re%2Ffresh%2Btoken%3D");
    assertThat(Dialect.code50014(HOST.resolve("/refreshJwt")).toBuilder().build().toString()).contains("code-50014");
  }

  @Test
  void code401PutsTheTokenInTheQuery() {
    RefreshRequest r = request(Dialect.code401(HOST.resolve("/token/refresh")));
    assertThat(r.uri().getRawQuery()).isEqualTo("refreshToken=re%2Ffresh%2Btoken%3D");
  }

  @Test
  void requestToStringShowsNoToken() {
    RefreshRequest r = request(Dialect.code50014(HOST.resolve("/refreshJwt/")));
    assertThat(r.toString()).doesNotContain("re/fresh").doesNotContain("re%2Ffresh").contains("https://api.example.com:443");
  }

  @Test
  void aCustomBackendIsDescribedWithoutWritingAClass() {
    Dialect d = Dialect.builder()
        .name("acme")
        .tokenHeader("X-Acme-Auth", "Token ")
        .accessTokenRejectedWhen(Signal.status(419), Signal.body("/status", "TOKEN_EXPIRED"))
        .sessionEndedWhen(Signal.body("/status", "KICKED"))
        .refreshRequest("PATCH", "https://auth.acme.test/sessions/{refreshToken}?old={accessToken}")
        .refreshHeader("X-Client", "cli")
        .refreshJsonField("grant", "refresh")
        .accessTokenAt("/session/access")
        .refreshTokenAt("/session/refresh")
        .expiresInAt("/session/ttl")
        .refreshTokenDeadWhen(Signal.status(410))
        .build();
    RefreshRequest r = request(d);
    assertThat(r.method()).isEqualTo("PATCH");
    assertThat(r.uri().toString()).isEqualTo("https://auth.acme.test/sessions/re%2Ffresh%2Btoken%3D?old=acc.ess");
    assertThat(r.headers()).containsEntry("X-Client", "cli");
    assertThat(d.tokenHeaderValue("abc")).isEqualTo("Token abc");
    assertThat(d.refreshOrigin()).isEqualTo(URI.create("https://auth.acme.test:443"));
    assertThat(d.needsBody(200)).isTrue();
  }

  @Test
  void incompleteOrInconsistentDialectsAreRefused() {
    assertThatThrownBy(() -> Dialect.builder().build()).hasMessageContaining("no refresh request");
    assertThatThrownBy(() -> Dialect.builder().refreshRequest("POST", "https://a.test/r").build())
        .hasMessageContaining("accessTokenAt");
    assertThatThrownBy(() -> Dialect.builder().refreshRequest("POST", "https://a.test/r").accessTokenAt("/t")
        .accessTokenRejectedWhen(Signal.status(401)).refreshTokenDeadWhen(Signal.status(401)).build())
        .hasMessageContaining("never sends {refreshToken}");
    assertThatThrownBy(() -> Dialect.builder().refreshFormField("a", "b").refreshJsonField("c", "d"))
        .hasMessageContaining("already FORM");
    assertThatThrownBy(() -> Dialect.builder().refreshRequest("DELETE", "https://a.test/r"))
        .hasMessageContaining("POST, PUT, PATCH or GET");
    assertThatThrownBy(() -> Dialect.builder().refreshRequest("POST", "/relative/path"))
        .hasMessageContaining("absolute http(s)");
    assertThatThrownBy(() -> Dialect.builder().tokenHeader("Bad Header", ""))
        .hasMessageContaining("not a valid header name");
    assertThatThrownBy(() -> Dialect.builder().accessTokenAt("token")).hasMessageContaining("JSON pointer");
  }

  @Test
  void readsTokensFromALoginReplyOrSaysWhatIsWrong() {
    Dialect d = Dialect.code401(HOST.resolve("/token/refresh"));
    java.time.Instant now = java.time.Instant.parse("2026-01-01T00:00:00Z");
    Tokens t = d.readTokens("{\"code\":0,\"data\":{\"accessToken\":\"a\",\"refreshToken\":\"r\",\"expiresIn\":60}}"
        .getBytes(StandardCharsets.UTF_8), now);
    assertThat(t).isEqualTo(Tokens.builder().accessToken("a").refreshToken("r").expiresAt(now.plusSeconds(60)).build());
    assertThatThrownBy(() -> d.readTokens("{\"code\":0}".getBytes(StandardCharsets.UTF_8), now))
        .hasMessage("cannot read tokens from this reply: the reply has no access token at /data/accessToken");
    assertThatThrownBy(() -> d.readTokens(new byte[0], now)).hasMessageContaining("empty");
  }
}
