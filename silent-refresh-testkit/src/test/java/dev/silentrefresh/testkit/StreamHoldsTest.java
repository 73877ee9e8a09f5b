package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Streams held where a peeking client must not wait: {@code ?hold=first} (status and headers at once, the first
 * value only after {@code releaseHeld()}) and {@code ?holdRejection=true} (a rejection whose body does not end).
 */
class StreamHoldsTest extends ServerTestBase {
  private static final Duration BOUND = Duration.ofSeconds(30);

  /** {@code /api/stream?query} as soon as its status and headers arrived; the body is read by the caller. */
  private static BufferedReader open(AuthServer s, String access, String query) throws Exception {
    HttpResponse<InputStream> r = Wire.HTTP.send(Wire.withAccess(HttpRequest.newBuilder(
        s.apiUri("/api/stream?" + query)), s.profile(), access).timeout(BOUND).build(), BodyHandlers.ofInputStream());
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    return new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
  }

  private static void awaitHeld(AuthServer s, int held) {
    Awaitility.await().atMost(BOUND).until(() -> s.streams().held() == held);
  }

  @Test
  void headersArriveAtOnceAndTheFirstValueWaitsForRelease() throws Exception {
    AuthServer s = start(Profile.CODE_50014);
    try (BufferedReader in = open(s, s.issueTokens("demo").accessToken(), "hold=first&lines=2")) {
      awaitHeld(s, 1); // the client has the headers, with no body byte sent
      assertThat(s.streams().started()).as("the first value is not sent yet").isZero();
      assertThat(s.streams().open()).isZero();

      s.streams().releaseHeld();
      assertThat(Wire.json(in.readLine())).isEqualTo(Wire.json(Wire.meBody(Profile.CODE_50014)));
      List<String> rest = in.lines().collect(Collectors.toList());
      assertThat(rest).as("no second hold after the first value").containsExactly("{\"seq\":1}", "{\"seq\":2}");
    }
    Awaitility.await().atMost(BOUND).until(() -> s.streams().open() == 0);
    assertThat(s.streams().completed()).isEqualTo(1);
  }

  @Test
  void closingTheServerEndsAStreamHeldBeforeItsFirstValue() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    try (BufferedReader in = open(s, s.issueTokens("demo").accessToken(), "hold=first")) {
      awaitHeld(s, 1);
      s.close();
      in.lines().count(); // ends (normally or cut) instead of waiting for MAX_HOLD
    } catch (IOException | java.io.UncheckedIOException cut) {
      // the connection may be cut before the rest of the stream
    }
    awaitHeld(s, 0);
  }

  @Test
  void aHeldRejectionSendsItsOnlyValueAndEndsAfterRelease() throws Exception {
    AuthServer s = start(Profile.CODE_50014);
    try (BufferedReader in = open(s, s.issueExpiredTokens("demo").accessToken(), "holdRejection=true")) {
      assertThat(Wire.json(in.readLine()).get("code").asInt()).isEqualTo(50014);
      awaitHeld(s, 1);
      s.streams().releaseHeld();
      assertThat(in.readLine()).as("the end of the body, after the release").isNull();
    }
    assertThat(s.streams().started()).isZero();
    assertThat(s.counters().rejectedRequests()).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource({"hold=later, 400", "holdRejection=yes, 400", "holdRejection=false, 200"})
  void holdParametersAreChecked(String query, int status) {
    AuthServer s = start(Profile.OAUTH2);
    assertThat(Wire.api(s, "/api/stream?" + query, s.issueTokens("demo").accessToken()).statusCode()).isEqualTo(status);
  }
}
