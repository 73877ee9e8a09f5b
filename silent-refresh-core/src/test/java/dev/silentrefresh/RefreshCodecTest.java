package dev.silentrefresh;

import dev.silentrefresh.spi.RefreshReply;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RefreshCodecTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
  private static final Tokens PREVIOUS = Tokens.builder().accessToken("old-access-SECRET").refreshToken("old-refresh-SECRET")
      .refreshExpiresAt(NOW.plusSeconds(999)).build();
  private static final Dialect OAUTH2 = Dialect.oauth2(URI.create("https://a.test/oauth/token"), "c");
  private static final Dialect PUT = Dialect.putBearer(URI.create("https://a.test/v1_0/authorizations"));
  private static final Dialect C50014 = Dialect.code50014(URI.create("https://a.test/refreshJwt/"));

  private static RefreshCodec.Outcome read(Dialect d, int status, String contentType, String body) {
    Map<String, List<String>> headers = contentType == null ? Map.of() : Map.of("Content-Type", List.of(contentType));
    RefreshReply reply = RefreshReply.of(status, headers, body.getBytes(StandardCharsets.UTF_8));
    return new RefreshCodec(d, 4096, Duration.ofSeconds(1)).read(reply, PREVIOUS, NOW);
  }

  private static String jwt(String payloadJson) {
    Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
    return e.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + e.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
  }

  @Test
  void oauth2ReplyGivesAllFieldsWithExpiryFromExpiresIn() {
    RefreshCodec.Outcome o = read(OAUTH2, 200, "application/json",
        "{\"access_token\":\"new-a\",\"refresh_token\":\"new-r\",\"expires_in\":300,\"refresh_expires_in\":\"3600\"}");
    assertThat(o.tokens.accessToken()).isEqualTo("new-a");
    assertThat(o.tokens.refreshToken()).isEqualTo("new-r");
    assertThat(o.tokens.expiresAt()).isEqualTo(NOW.plusSeconds(300));
    assertThat(o.tokens.refreshExpiresAt()).isEqualTo(NOW.plusSeconds(3600));
  }

  @Test
  void fractionalLifetimesKeepTheirFraction() {
    RefreshCodec.Outcome o = read(OAUTH2, 200, "application/json",
        "{\"access_token\":\"new-a\",\"expires_in\":1.5,\"refresh_expires_in\":\"2.25\"}");
    assertThat(o.tokens.expiresAt()).isEqualTo(NOW.plusMillis(1500));
    assertThat(o.tokens.refreshExpiresAt()).isEqualTo(NOW.plusMillis(2250));
  }

  @Test
  void aReplyWithoutRefreshTokenKeepsTheCurrentOneAndReadsTheJwtExpiry() {
    String access = jwt("{\"sub\":\"u\",\"exp\":1767225900}");
    RefreshCodec.Outcome o = read(PUT, 200, "application/json; charset=utf-8", "{\"data\":{\"token\":\"" + access + "\"}}");
    assertThat(o.tokens.refreshToken()).isEqualTo("old-refresh-SECRET");
    assertThat(o.tokens.refreshExpiresAt()).isEqualTo(PREVIOUS.refreshExpiresAt());
    assertThat(o.tokens.expiresAt()).isEqualTo(Instant.ofEpochSecond(1767225900));
  }

  @Test
  void whenExpiresInAndTheJwtLifetimeDisagreeTheShorterWinsCountedFromReceipt() {
    String access = jwt("{\"iat\":" + (NOW.getEpochSecond() - 7200) + ",\"exp\":" + (NOW.getEpochSecond() - 7100) + "}");
    RefreshCodec.Outcome later = read(OAUTH2, 200, "application/json",
        "{\"access_token\":\"" + access + "\",\"expires_in\":300}");
    assertThat(later.tokens.expiresAt()).isEqualTo(NOW.plusSeconds(100));
    RefreshCodec.Outcome sooner = read(OAUTH2, 200, "application/json",
        "{\"access_token\":\"" + access + "\",\"expires_in\":60}");
    assertThat(sooner.tokens.expiresAt()).isEqualTo(NOW.plusSeconds(60));
  }

  @Test
  void opaqueTokensHaveNoKnownExpiry() {
    RefreshCodec.Outcome o = read(PUT, 200, "application/json", "{\"data\":{\"token\":\"opaque.token\"}}");
    assertThat(o.tokens.expiresAt()).isNull();
  }

  @Test
  void deadSignals() {
    assertThat(read(OAUTH2, 400, "application/json", "{\"error\":\"invalid_grant\"}").dead).isTrue();
    assertThat(read(OAUTH2, 403, "application/json", "{\"error\":\"invalid_grant\"}").dead).isTrue();
    assertThat(read(PUT, 401, null, "").dead).isTrue();
    assertThat(read(C50014, 200, "application/json", "{\"code\":10007,\"message\":\"x\"}").dead).isTrue();
    RefreshCodec.Outcome invalidClient = read(OAUTH2, 401, "application/json", "{\"error\":\"invalid_client\"}");
    assertThat(invalidClient.dead).isFalse();
    assertThat(invalidClient.failure.reason()).isEqualTo(RefreshFailedException.Reason.UNEXPECTED_STATUS);
    assertThat(invalidClient.failure.getMessage()).contains("HTTP 401").contains("invalid_client");
    assertThat(invalidClient.failure.isRetryable()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "server error        | 500 | application/json | {\"error\":\"x\"}                         | SERVER_ERROR    | HTTP 500",
      "html error page     | 502 | text/html        | <html><body>Bad gateway</body></html>      | SERVER_ERROR    | HTTP 502",
      "html with 200       | 200 | text/html        | <html><body>Login</body></html>            | MALFORMED_REPLY | not JSON (text/html",
      "malformed json      | 200 | application/json | {\"access_tok                              | MALFORMED_REPLY | not JSON",
      "not json            | 200 | text/plain       | OK                                         | MALFORMED_REPLY | not JSON",
      "missing field       | 200 | application/json | {}                                         | MALFORMED_REPLY | no access token at /access_token",
      "wrong type          | 200 | application/json | {\"access_token\":42}                      | MALFORMED_REPLY | access token at /access_token is a number",
      "object token        | 200 | application/json | {\"access_token\":{\"v\":1}}               | MALFORMED_REPLY | is an object",
      "empty token         | 200 | application/json | {\"access_token\":\"\"}                    | MALFORMED_REPLY | is empty",
      "bad expires_in      | 200 | application/json | {\"access_token\":\"a\",\"expires_in\":\"soon\"} | MALFORMED_REPLY | /expires_in is a string",
      "negative expires_in | 200 | application/json | {\"access_token\":\"a\",\"expires_in\":-5} | MALFORMED_REPLY | out of range",
      "bad refresh type    | 200 | application/json | {\"access_token\":\"a\",\"refresh_token\":[1]} | MALFORMED_REPLY | refresh token at /refresh_token is an array",
      "header-unsafe token | 200 | application/json | {\"access_token\":\"a b\"}                 | MALFORMED_REPLY | not allowed in an HTTP header",
      "unexpected status   | 404 | application/json | {}                                         | UNEXPECTED_STATUS | HTTP 404",
  })
  void badRepliesFailWithAMessageNamingTheProblemAndNoToken(String name, int status, String type, String body,
      RefreshFailedException.Reason reason, String message) {
    RefreshCodec.Outcome o = read(OAUTH2, status, type, body);
    assertThat(o.tokens).isNull();
    assertThat(o.dead).isFalse();
    assertThat(o.failure.reason()).isEqualTo(reason);
    assertThat(o.failure.getMessage()).contains(message).doesNotContain("SECRET");
  }

  @Test
  void hugeRepliesAreRefusedBeforeParsing() {
    String huge = "{\"access_token\":\"" + "x".repeat(10_000) + "\"}";
    RefreshCodec.Outcome o = read(OAUTH2, 200, "application/json", huge);
    assertThat(o.failure.getMessage()).contains("larger than 4096 bytes");
  }

  @Test
  void aQuirkyJwtNeverCostsTheRotatedRefreshToken() {
    // An unreadable payload or exp claim is treated as "expiry unknown": failing the reply would drop the
    // refresh token the server has just rotated, and end the session.
    Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
    String broken = e.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + ".!!notbase64!!.sig";
    RefreshCodec.Outcome o = read(PUT, 200, "application/json", "{\"data\":{\"token\":\"" + broken + "\"}}");
    assertThat(o.tokens.accessToken()).isEqualTo(broken);
    assertThat(o.tokens.expiresAt()).isNull();
    for (String exp : new String[] {"\"tomorrow\"", "1e300", "-5", "99999999999999999"}) {
      RefreshCodec.Outcome odd = read(PUT, 200, "application/json",
          "{\"data\":{\"token\":\"" + jwt("{\"exp\":" + exp + "}") + "\"}}");
      assertThat(odd.tokens).as("exp " + exp).isNotNull();
      assertThat(odd.tokens.expiresAt()).as("exp " + exp).isNull();
    }
  }
}
