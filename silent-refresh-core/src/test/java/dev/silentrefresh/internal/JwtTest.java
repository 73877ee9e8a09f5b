package dev.silentrefresh.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtTest {
  static String part(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  static String jwt(String payload) {
    return part("{\"alg\":\"HS256\"}") + "." + part(payload) + ".sig";
  }

  @Test
  void readsExpAndIatOfAJwtAndIgnoresOpaqueTokens() {
    Jwt.Times t = Jwt.times(jwt("{\"exp\":1700000000,\"iat\":1699999100}"));
    assertThat(t.exp).isEqualTo(1700000000L);
    assertThat(t.iat).isEqualTo(1699999100L);
    assertThat(Jwt.times(jwt("{\"sub\":\"x\"}")).exp).isNull();
    assertThat(Jwt.times("opaque-token")).isNull();
    assertThat(Jwt.times("a.b.c")).isNull();
    assertThat(Jwt.times("v1.opaque.with.dots")).isNull();
  }

  @Test
  void unreadableOrOutOfRangeClaimsAreAbsentNotErrors() {
    for (String exp : new String[] {"\"tomorrow\"", "-1", "0", "1e300", "99999999999999999999", "null", "{}"}) {
      assertThat(Jwt.times(jwt("{\"exp\":" + exp + "}")).exp).as(exp).isNull();
    }
    assertThat(Jwt.times(part("{\"alg\":\"HS256\"}") + ".!!!.sig").exp).isNull();
  }
}
