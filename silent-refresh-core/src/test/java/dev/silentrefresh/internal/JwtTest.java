package dev.silentrefresh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtTest {
  private static String part(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsExpOfAJwtAndIgnoresOpaqueTokens() {
    assertThat(Jwt.expiry(part("{\"alg\":\"HS256\"}") + "." + part("{\"exp\":1700000000}") + ".sig"))
        .isEqualTo(Instant.ofEpochSecond(1700000000));
    assertThat(Jwt.expiry(part("{\"alg\":\"HS256\"}") + "." + part("{\"sub\":\"x\"}") + ".sig")).isNull();
    assertThat(Jwt.expiry("opaque-token")).isNull();
    assertThat(Jwt.expiry("a.b.c")).isNull();
    assertThat(Jwt.expiry("v1.opaque.with.dots")).isNull();
  }
}
