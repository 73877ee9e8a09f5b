package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TokensTest {
  @Test
  void toStringNeverShowsATokenButShowsExpiry() {
    Tokens t = Tokens.builder().accessToken("ACCESS-SECRET").refreshToken("REFRESH-SECRET")
        .expiresAt(Instant.parse("2026-01-01T00:00:00Z")).build();
    assertThat(t.toString()).doesNotContain("SECRET").contains("2026-01-01T00:00:00Z");
    assertThat(new StoredTokens(t, 3).toString()).doesNotContain("SECRET").contains("version=3");
    assertThat(Tokens.of("a", null).toString()).contains("refreshToken=none");
  }

  @Test
  void invalidTokensAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> Tokens.of(null, "r")).hasMessage("access token is missing");
    assertThatThrownBy(() -> Tokens.of("", "r")).hasMessage("access token is empty");
    assertThatThrownBy(() -> Tokens.of("SECRET\r\nX-Evil: 1", "r"))
        .hasMessageContaining("not allowed in an HTTP header").hasMessageNotContaining("SECRET");
    assertThatThrownBy(() -> Tokens.of("a", "")).hasMessage("refresh token is empty");
  }

  @Test
  void equalityIsByValue() {
    assertThat(Tokens.of("a", "r")).isEqualTo(Tokens.of("a", "r")).hasSameHashCodeAs(Tokens.of("a", "r"));
    assertThat(Tokens.of("a", "r")).isNotEqualTo(Tokens.of("a", "r2"));
    assertThat(Tokens.of("a", "r").toBuilder().refreshToken("r2").build()).isEqualTo(Tokens.of("a", "r2"));
  }
}
