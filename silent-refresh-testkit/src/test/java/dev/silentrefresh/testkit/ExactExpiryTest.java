package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/**
 * {@code exactExpiry}: a token lives exactly its lifetime from its minting, to the millisecond, and says so in
 * {@code iat}/{@code exp}; without it, {@code exp} counts from the start of the minting's second. On the server's
 * clock, moved by the test.
 */
class ExactExpiryTest {
  private static final Instant MID_SECOND = Instant.parse("2030-01-01T00:00:00.700Z");

  @Test
  void aTokenMintedMidSecondLivesExactlyItsLifetime() {
    MutableClock clock = new MutableClock(MID_SECOND);
    try (AuthServer s = AuthServer.builder(Profile.OAUTH2).clock(clock).accessTtl(Duration.ofSeconds(2))
        .exactExpiry(true).start()) {
      IssuedTokens t = s.issueTokens("demo");
      assertThat(t.expiresIn()).isEqualTo(Duration.ofSeconds(2));
      JsonNode claims = payload(t.accessToken());
      assertThat(claims.path("iat").decimalValue()).isEqualByComparingTo("1893456000.7");
      assertThat(claims.path("exp").decimalValue()).isEqualByComparingTo("1893456002.7");
      assertThat(Wire.json(Wire.login(s)).path("expires_in").asLong()).isEqualTo(2);
      clock.advance(Duration.ofMillis(1999));
      assertThat(Wire.me(s, t.accessToken()).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofMillis(1));
      assertThat(Wire.me(s, t.accessToken()).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void byDefaultExpiryCountsFromTheMintingsSecond() {
    MutableClock clock = new MutableClock(MID_SECOND);
    try (AuthServer s = AuthServer.builder(Profile.OAUTH2).clock(clock).accessTtl(Duration.ofSeconds(2)).start()) {
      IssuedTokens t = s.issueTokens("demo");
      assertThat(t.expiresIn()).isEqualTo(Duration.ofSeconds(1));
      assertThat(payload(t.accessToken()).path("exp").isIntegralNumber()).isTrue();
      clock.advance(Duration.ofMillis(1299));
      assertThat(Wire.me(s, t.accessToken()).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofMillis(1));
      assertThat(Wire.me(s, t.accessToken()).statusCode()).isEqualTo(401);
    }
  }

  private static JsonNode payload(String jwt) {
    return Wire.json(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
  }
}
