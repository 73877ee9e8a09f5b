package dev.silentrefresh;

import static dev.silentrefresh.HostileInput.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.internal.Json;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Refresh and login replies of every shape: whatever the body, headers and status, reading gives
 * exactly one outcome (new tokens, "refresh token dead", or a failure naming what was wrong), never
 * throws, and nothing it says quotes a token.
 */
class RefreshReplyFuzzTest {
  private static final int MAX_BYTES = 256 * 1024;
  private static final Instant CENTURY_ON = NOW.plus(Duration.ofDays(36_525));
  private static final List<Dialect> DIALECTS = Arrays.asList(
      Dialect.oauth2(URI.create("https://a.test/oauth/token"), "client"),
      Dialect.putBearer(URI.create("https://a.test/v1_0/authorizations")),
      Dialect.code1002(URI.create("https://a.test/renewal"), "basic"),
      Dialect.code50014(URI.create("https://a.test/refreshJwt/")),
      Dialect.code401(URI.create("https://a.test/token/refresh")),
      Dialect.builder().name("odd-pointers")
          .accessTokenRejectedWhen(Signal.status(401))
          .refreshRequest("POST", "https://a.test/r?t=" + Dialect.REFRESH_TOKEN)
          .accessTokenAt("/a~1b/0").refreshTokenAt("/~0/~1").expiresInAt("/").refreshExpiresInAt("//x")
          .refreshTokenDeadWhen(Signal.body("/error", "invalid_grant"))
          .build());

  static Tokens previousTokens(SplittableRandom r) {
    return Tokens.builder().accessToken(HostileInput.secret(r)).refreshToken(HostileInput.secret(r))
        .refreshExpiresAt(r.nextBoolean() ? null : NOW.plusSeconds(r.nextInt(100_000))).build();
  }

  @Test
  void aRefreshReplyIsReadIntoExactlyOneOutcomeThatQuotesNoToken() {
    Fuzz.check("refresh reply", 3000, t -> {
      Dialect dialect = HostileInput.pick(t.random, DIALECTS);
      Tokens previous = previousTokens(t.random);
      boolean login = t.random.nextInt(5) == 0;
      t.note("dialect", dialect.name());
      FuzzedRefreshReply f = FuzzedRefreshReply.generate(t, dialect, previous, false, MAX_BYTES);

      RefreshCodec.Outcome o = new RefreshCodec(dialect, MAX_BYTES, Duration.ofSeconds(10))
          .read(f.reply(), login ? null : previous, NOW);

      assertThat((o.tokens != null ? 1 : 0) + (o.dead ? 1 : 0) + (o.failure != null ? 1 : 0)).isEqualTo(1);
      if (o.failure != null) {
        assertThat(o.failure.status()).isEqualTo(f.status);
        assertThat(o.failure.reason()).isIn(RefreshFailedException.Reason.SERVER_ERROR,
            RefreshFailedException.Reason.UNEXPECTED_STATUS, RefreshFailedException.Reason.MALFORMED_REPLY);
        LeakCheck.assertNoSecretIn(f.secrets, o.failure);
      }
      if (o.tokens != null) {
        assertThat(f.status).isBetween(200, 299);
        JsonNode body = Json.parseOrNull(f.body);
        assertThat(o.tokens.accessToken()).isEqualTo(body.at(dialect.accessTokenPointer()).asText());
        JsonNode refresh = dialect.refreshTokenPointer() == null ? null : body.at(dialect.refreshTokenPointer());
        String expectedRefresh = refresh != null && refresh.isTextual() ? refresh.asText()
            : login ? null : previous.refreshToken();
        assertThat(o.tokens.refreshToken()).isEqualTo(expectedRefresh);
        assertWithinACentury(o.tokens.expiresAt());
        if (o.tokens.refreshExpiresAt() != previous.refreshExpiresAt()) assertWithinACentury(o.tokens.refreshExpiresAt());
        LeakCheck.assertNoSecretIn(f.secrets, o.tokens);
      }
    });
  }

  @Test
  void aLoginReplyGivesTokensOrAnIllegalArgumentExceptionThatQuotesNoToken() {
    Fuzz.check("login reply", 500, t -> {
      Dialect dialect = HostileInput.pick(t.random, DIALECTS);
      FuzzedRefreshReply f = FuzzedRefreshReply.generate(t, dialect, previousTokens(t.random), false, MAX_BYTES);
      Tokens tokens;
      try {
        tokens = dialect.readTokens(f.body, NOW);
      } catch (IllegalArgumentException e) {
        LeakCheck.assertNoSecretIn(f.secrets, e);
        return;
      }
      assertWithinACentury(tokens.expiresAt());
      LeakCheck.assertNoSecretIn(f.secrets, tokens);
    });
  }

  private static void assertWithinACentury(Instant expiry) {
    if (expiry != null) assertThat(expiry).isAfter(NOW).isBeforeOrEqualTo(CENTURY_ON);
  }
}
