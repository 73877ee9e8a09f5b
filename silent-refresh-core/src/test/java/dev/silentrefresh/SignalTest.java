package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.internal.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SignalTest {
  private static JsonNode json(String s) {
    return Json.parseOrNull(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Function<String, String> headers(Map<String, String> h) {
    return name -> h.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue).findFirst().orElse(null);
  }

  private static final Function<String, String> NO_HEADERS = name -> null;

  @Test
  void statusSignalMatchesOnlyItsStatuses() {
    Signal s = Signal.status(401, 403);
    assertThat(s.matches(401, NO_HEADERS, null)).isTrue();
    assertThat(s.matches(403, NO_HEADERS, null)).isTrue();
    assertThat(s.matches(400, NO_HEADERS, null)).isFalse();
    assertThat(s.needsBody()).isFalse();
  }

  @Test
  void bodyCodeMatchesNumbersAndStringsByText() {
    Signal s = Signal.body("/code", 1002);
    assertThat(s.matches(200, NO_HEADERS, json("{\"code\":1002}"))).isTrue();
    assertThat(s.matches(500, NO_HEADERS, json("{\"code\":\"1002\"}"))).isTrue();
    assertThat(s.matches(200, NO_HEADERS, json("{\"code\":0}"))).isFalse();
    assertThat(s.matches(200, NO_HEADERS, json("{\"code\":{\"x\":1002}}"))).isFalse();
    assertThat(s.matches(200, NO_HEADERS, json("{\"code\":null}"))).isFalse();
    assertThat(s.matches(200, NO_HEADERS, null)).isFalse();
    assertThat(s.needsBody()).isTrue();
  }

  @Test
  void statusAndBodyMustBothMatch() {
    Signal s = Signal.status(400).withBody("/code", 401);
    assertThat(s.matches(400, NO_HEADERS, json("{\"code\":401}"))).isTrue();
    assertThat(s.matches(401, NO_HEADERS, json("{\"code\":401}"))).isFalse();
    assertThat(s.matches(400, NO_HEADERS, json("{\"code\":402}"))).isFalse();
  }

  @Test
  void bearerErrorMustMatchWhenTheChallengeNamesOne() {
    Signal s = Signal.status(401).withBearerError("invalid_token");
    assertThat(s.matches(401, headers(Map.of("WWW-Authenticate",
        "Bearer error=\"invalid_token\", error_description=\"expired\"")), null)).isTrue();
    assertThat(s.matches(401, headers(Map.of("www-authenticate", "Bearer realm=\"x\"")), null)).isTrue();
    assertThat(s.matches(401, NO_HEADERS, null)).isTrue();
    assertThat(s.matches(401, headers(Map.of("WWW-Authenticate", "Bearer error=\"invalid_request\"")), null)).isFalse();
  }

  @Test
  void badArgumentsAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> Signal.status()).hasMessageContaining("at least one status");
    assertThatThrownBy(() -> Signal.status(99)).hasMessageContaining("not an HTTP status: 99");
    assertThatThrownBy(() -> Signal.body("code", 1)).hasMessageContaining("must start with '/'");
    assertThatThrownBy(() -> Signal.body("/code")).hasMessageContaining("at least one value");
  }

  @Test
  void bearerChallengeParsing() {
    assertThat(BearerChallenge.errorOf("Bearer error=\"invalid_token\"")).isEqualTo("invalid_token");
    assertThat(BearerChallenge.errorOf("Bearer realm=\"a\", error=invalid_token")).isEqualTo("invalid_token");
    assertThat(BearerChallenge.errorOf("Basic realm=\"a\"")).isNull();
    assertThat(BearerChallenge.errorOf("Bearer")).isNull();
    assertThat(BearerChallenge.errorOf(null)).isNull();
    assertThat(BearerChallenge.errorOf("Bearer error=\"unterminated")).isEqualTo("unterminated");
  }
}
