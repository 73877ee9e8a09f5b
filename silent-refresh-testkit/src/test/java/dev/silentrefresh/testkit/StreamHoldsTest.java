package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Streams held where a peeking client must not wait: {@code ?hold=first} (status and headers at once, the first
 * value only after {@code releaseHeld()}) and {@code ?holdRejection=true} (a rejection whose body does not end).
 */
class StreamHoldsTest extends ServerTestBase {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void headersArriveAtOnceAndTheFirstValueWaitsForRelease() throws Exception {
    AuthServer s = start(Profile.CODE_50014);
    String access = s.issueTokens("demo").accessToken();
    HttpResponse<InputStream> r = Wire.HTTP.sendAsync(Wire.withAccess(HttpRequest.newBuilder(
        s.apiUri("/api/stream?hold=first&lines=2")), Profile.CODE_50014, access).timeout(BOUND).build(),
        BodyHandlers.ofInputStream()).get(BOUND.toSeconds(), TimeUnit.SECONDS); // with no body byte sent
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    Awaitility.await().atMost(BOUND).until(() -> s.streams().held() == 1);
    assertThat(s.streams().started()).as("the first value is not sent yet").isZero();
    assertThat(s.streams().open()).isZero();

    s.streams().releaseHeld();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(Wire.json(in.readLine())).isEqualTo(Wire.json(Wire.meBody(Profile.CODE_50014)));
      List<String> rest = new ArrayList<>();
      for (String line; (line = in.readLine()) != null; ) {
        rest.add(line);
      }
      assertThat(rest).as("no second hold after the first value").containsExactly("{\"seq\":1}", "{\"seq\":2}");
    }
    Awaitility.await().atMost(BOUND).until(() -> s.streams().open() == 0);
    assertThat(s.streams().started()).isEqualTo(1);
    assertThat(s.streams().completed()).isEqualTo(1);
  }

  @Test
  void closingTheServerEndsAStreamHeldBeforeItsFirstValue() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    String access = s.issueTokens("demo").accessToken();
    HttpResponse<InputStream> r = Wire.HTTP.sendAsync(Wire.withAccess(HttpRequest.newBuilder(
        s.apiUri("/api/stream?hold=first")), Profile.OAUTH2, access).timeout(BOUND).build(),
        BodyHandlers.ofInputStream()).get(BOUND.toSeconds(), TimeUnit.SECONDS);
    Awaitility.await().atMost(BOUND).until(() -> s.streams().held() == 1);
    s.close();
    try (InputStream body = r.body()) {
      body.readAllBytes(); // ends (normally or cut) instead of waiting for MAX_HOLD
    } catch (java.io.IOException cut) {
      // the connection may be cut before the rest of the stream
    }
    Awaitility.await().atMost(BOUND).until(() -> s.streams().held() == 0);
  }

  @Test
  void aHeldRejectionSendsItsOnlyValueAndEndsAfterRelease() throws Exception {
    AuthServer s = start(Profile.CODE_50014);
    String expired = s.issueExpiredTokens("demo").accessToken();
    HttpResponse<InputStream> r = Wire.HTTP.send(Wire.withAccess(HttpRequest.newBuilder(
        s.apiUri("/api/stream?holdRejection=true")), Profile.CODE_50014, expired).timeout(BOUND).build(),
        BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(Wire.json(in.readLine()).get("code").asInt()).isEqualTo(50014);
      Awaitility.await().atMost(BOUND).until(() -> s.streams().held() == 1);
      s.streams().releaseHeld();
      assertThat(in.readLine()).as("the end of the body, after the release").isNull();
    }
    assertThat(s.streams().started()).isZero();
    assertThat(s.counters().rejectedRequests()).isEqualTo(1);
  }

  @Test
  void holdParametersAreValidated() {
    AuthServer s = start(Profile.OAUTH2);
    String access = s.issueTokens("demo").accessToken();
    assertThat(Wire.api(s, "/api/stream?hold=later", access).statusCode()).isEqualTo(400);
    assertThat(Wire.api(s, "/api/stream?holdRejection=yes", access).statusCode()).isEqualTo(400);
    assertThat(Wire.api(s, "/api/stream?holdRejection=false", access).statusCode()).isEqualTo(200);
  }
}
