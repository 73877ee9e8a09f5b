package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What client tests build their scenarios on: lost refresh replies, redirects, streams, clock skew, reject-all. */
class ClientScenarioSupportTest extends ServerTestBase {
  private static final Duration BOUND = Duration.ofSeconds(30);

  // ---- the refresh reply lost after the rotation was committed

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = "PUT_BEARER", mode = EnumSource.Mode.EXCLUDE)
  void droppedReplyClosesTheConnectionAfterTheRotationWasCommitted(Profile p) {
    AuthServer s = start(p);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().dropRefreshReplyAfterCommit(1);

    assertThatThrownBy(() -> Wire.HTTP.send(Wire.refreshRequest(s, tokens.refreshToken()).build(),
        BodyHandlers.ofString())).as("no response at all").isInstanceOf(IOException.class);
    assertThat(s.counters().refreshCalls()).isEqualTo(1);
    assertThat(s.counters().refreshSucceeded()).as("the rotation was committed").isEqualTo(1);
    assertThat(s.counters().refreshRepliesDropped()).isEqualTo(1);
    assertThat(s.counters().faultsInjected()).isEqualTo(1);

    // the token the client still holds was rotated: presenting it again is reuse, and the family is revoked
    Wire.assertDead(p, Wire.refresh(s, tokens.refreshToken()));
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
    assertThat(s.counters().familiesRevoked()).isEqualTo(1);
    assertThat(s.counters().refreshRepliesDropped()).isEqualTo(1);
  }

  @Test
  void droppedReplyOnlyHitsTheNextNRefreshes() {
    AuthServer s = start(Profile.OAUTH2);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().dropRefreshReplyAfterCommit(2);
    IssuedTokens other = s.issueTokens("demo");
    IssuedTokens third = s.issueTokens("demo");
    assertThatThrownBy(() -> Wire.HTTP.send(Wire.refreshRequest(s, tokens.refreshToken()).build(),
        BodyHandlers.ofString())).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> Wire.HTTP.send(Wire.refreshRequest(s, other.refreshToken()).build(),
        BodyHandlers.ofString())).isInstanceOf(IOException.class);
    Wire.refreshTokens(s, third.refreshToken());
    assertThat(s.counters().refreshSucceeded()).isEqualTo(3);
    assertThat(s.counters().refreshRepliesDropped()).isEqualTo(2);
  }

  @Test
  void withAGraceWindowTheRetryAfterADroppedReplyGetsAFreshPairWithoutReuse() {
    AuthServer s = start(Profile.CODE_1002, b -> b.grace(Duration.ofSeconds(10)));
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().dropRefreshReplyAfterCommit(1);
    assertThatThrownBy(() -> Wire.HTTP.send(Wire.refreshRequest(s, tokens.refreshToken()).build(),
        BodyHandlers.ofString())).isInstanceOf(IOException.class);

    Wire.Tokens retried = Wire.refreshTokens(s, tokens.refreshToken()); // inside the window
    Wire.assertMe(Profile.CODE_1002, Wire.me(s, retried.access()));
    assertThat(s.counters().refreshSucceeded()).isEqualTo(2);
    assertThat(s.counters().reuseDetected()).isZero();

    clock.advance(Duration.ofSeconds(10)); // the window has passed: now it is reuse
    Wire.assertDead(Profile.CODE_1002, Wire.refresh(s, tokens.refreshToken()));
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
  }

  @Test
  void heldReplyNeverArrivesAndTheClientTimesOut() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().holdRefreshReplyAfterCommit(1);

    CompletableFuture<HttpResponse<String>> reply = Wire.HTTP.sendAsync(
        Wire.refreshRequest(s, tokens.refreshToken()).timeout(Duration.ofSeconds(1)).build(), BodyHandlers.ofString());
    Awaitility.await().atMost(BOUND).until(() -> s.counters().refreshRepliesDropped() == 1);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(1);
    assertThatThrownBy(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HttpTimeoutException.class);

    s.faults().releaseHeldReplies();
    Awaitility.await().atMost(BOUND).until(() -> s.faults().heldReplies() == 0);
    Wire.assertDead(Profile.OAUTH2, Wire.refresh(s, tokens.refreshToken()));
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
  }

  @Test
  void releasedHeldReplyEndsTheConnectionWithoutAResponse() {
    AuthServer s = start(Profile.CODE_401);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().holdRefreshReplyAfterCommit(1);

    CompletableFuture<HttpResponse<String>> reply = Wire.HTTP.sendAsync(
        Wire.refreshRequest(s, tokens.refreshToken()).timeout(BOUND).build(), BodyHandlers.ofString());
    Awaitility.await().atMost(BOUND).until(() -> s.faults().heldReplies() == 1);
    assertThat(reply).isNotDone();
    assertThat(s.counters().refreshRepliesDropped()).isEqualTo(1);
    s.faults().releaseHeldReplies();
    assertThatThrownBy(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
  }

  // ---- the refresh request held before anything is decided (a client killed mid-refresh), then dropped

  @Test
  void aRequestHeldBeforeCommitIsDroppedWithoutRotatingAndItsTokenStaysValid() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().holdRefreshBeforeCommit(1);

    CompletableFuture<HttpResponse<String>> reply = Wire.HTTP.sendAsync(
        Wire.refreshRequest(s, tokens.refreshToken()).timeout(BOUND).build(), BodyHandlers.ofString());
    Awaitility.await().atMost(BOUND).until(() -> s.faults().heldRequests() == 1);
    assertThat(reply).isNotDone();
    assertThat(s.counters().refreshCalls()).isEqualTo(1);
    assertThat(s.counters().refreshRequestsDropped()).isEqualTo(1);
    assertThat(s.counters().refreshSucceeded()).as("nothing decided").isZero();

    // while it is held, the same token refreshes for someone else: nothing was rotated
    Wire.Tokens next = Wire.refreshTokens(s, tokens.refreshToken());
    Wire.assertMe(Profile.OAUTH2, Wire.me(s, next.access()));
    s.faults().releaseHeldRequests();
    assertThatThrownBy(() -> reply.get(BOUND.toSeconds(), TimeUnit.SECONDS))
        .as("dropped without a response").isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
    Awaitility.await().atMost(BOUND).until(() -> s.faults().heldRequests() == 0);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(1);
    assertThat(s.counters().refreshRejected()).isZero();
    assertThat(s.counters().reuseDetected()).isZero();
    assertThat(s.counters().refreshRequestsDropped()).isEqualTo(1);
    assertThat(s.counters().refreshRepliesDropped()).isZero();
  }

  @Test
  void afterCommitFaultsApplyToRefreshOnly() {
    AuthServer s = start(Profile.OAUTH2);
    assertThatThrownBy(() -> s.faults().failNext(Endpoint.API, Faults.Fault.DISCONNECT_AFTER_COMMIT, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REFRESH only");
    assertThatThrownBy(() -> s.faults().failAlways(Endpoint.LOGIN, Faults.Fault.HANG_AFTER_COMMIT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REFRESH only");
    assertThatThrownBy(() -> s.faults().failNext(Endpoint.API, Faults.Fault.HANG_BEFORE_COMMIT, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("REFRESH only");
    assertThatThrownBy(() -> s.faults().dropRefreshReplyAfterCommit(0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- redirects and a foreign origin

  @Test
  void redirectEndpointSendsTheClientToTheGivenUrlAndTheForeignServerRecordsIt() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    try (RecordingServer foreign = RecordingServer.start()) {
      String access = s.issueTokens("demo").accessToken();
      URI target = foreign.uri("/landing?x=1");
      URI redirect = s.apiUri("/api/redirect?to=" + Wire.enc(target.toString()));

      HttpResponse<String> r = Wire.api(s, "/api/redirect?to=" + Wire.enc(target.toString()), access);
      assertThat(r.statusCode()).isEqualTo(302);
      assertThat(r.headers().firstValue("Location")).hasValue(target.toString());
      assertThat(foreign.requestCount()).isZero();

      HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
      HttpResponse<String> followed = following.send(Wire.withAccess(HttpRequest.newBuilder(redirect),
          Profile.OAUTH2, access).timeout(BOUND).build(), BodyHandlers.ofString());
      assertThat(followed.statusCode()).isEqualTo(200);
      assertThat(followed.body()).isEqualTo("{\"recorded\":true}");
      assertThat(foreign.requestCount()).isEqualTo(1);
      RecordingServer.RecordedRequest got = foreign.requests().get(0);
      assertThat(got.method()).isEqualTo("GET");
      assertThat(got.path()).isEqualTo("/landing");
      assertThat(got.query()).isEqualTo("x=1");
      assertThat(got.toString()).doesNotContain(access);

      // a request that does carry the token is counted as such
      Wire.send(Wire.withAccess(HttpRequest.newBuilder(foreign.uri("/direct")), Profile.OAUTH2, access));
      assertThat(foreign.requestCount()).isEqualTo(2);
      assertThat(foreign.requestsCarrying(access)).isEqualTo(1 + foreign.requests().subList(0, 1).stream()
          .filter(q -> q.header("Authorization") != null).count());
      assertThat(foreign.requestsWithHeader("authorization")).isEqualTo(foreign.requestsCarrying(access));
      foreign.clear();
      assertThat(foreign.requestCount()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void redirectIsAProtectedEndpointWithTheProfilesRejection(Profile p) {
    AuthServer s = start(p);
    String expired = s.issueExpiredTokens("demo").accessToken();
    Wire.assertExpired(p, Wire.api(s, "/api/redirect?to=" + Wire.enc("http://127.0.0.1:9/x"), expired));
    assertThat(s.counters().rejectedRequests()).isEqualTo(1);
  }

  @Test
  void redirectValidatesItsParameters() {
    AuthServer s = start(Profile.CODE_50014);
    String access = s.issueTokens("demo").accessToken();
    assertThat(Wire.api(s, "/api/redirect", access).statusCode()).isEqualTo(400);
    assertThat(Wire.api(s, "/api/redirect?to=%2Frelative", access).statusCode()).isEqualTo(400);
    assertThat(Wire.api(s, "/api/redirect?to=" + Wire.enc("ftp://h/x"), access).statusCode()).isEqualTo(400);
    assertThat(Wire.api(s, "/api/redirect?status=200&to=" + Wire.enc("http://h/x"), access).statusCode())
        .isEqualTo(400);
    HttpResponse<String> r = Wire.api(s, "/api/redirect?status=307&to=" + Wire.enc("http://h/x"), access);
    assertThat(r.statusCode()).isEqualTo(307);
    assertThat(r.headers().firstValue("Location")).hasValue("http://h/x");
  }

  // ---- streams

  @ParameterizedTest
  @EnumSource(Profile.class)
  void streamSendsTheProfilesApiValueFirstThenLines(Profile p) {
    AuthServer s = start(p);
    String access = s.issueTokens("demo").accessToken();
    HttpResponse<String> r = Wire.api(s, "/api/stream?lines=2", access);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(r.headers().firstValue("Content-Length")).as("chunked").isEmpty();
    String[] lines = r.body().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(Wire.json(lines[0])).isEqualTo(Wire.json(Wire.meBody(p)));
    assertThat(Wire.json(lines[1])).isEqualTo(Wire.json("{\"seq\":1}"));
    assertThat(Wire.json(lines[2])).isEqualTo(Wire.json("{\"seq\":2}"));
    assertThat(s.streams().started()).isEqualTo(1);
    assertThat(s.streams().completed()).isEqualTo(1);
    assertThat(s.counters().apiSucceeded()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void streamWithAnExpiredTokenCarriesTheProfilesRejectionAsItsFirstValue(Profile p) {
    AuthServer s = start(p);
    String expired = s.issueExpiredTokens("demo").accessToken();
    HttpResponse<String> r = Wire.api(s, "/api/stream", expired);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(r.body()).endsWith("\n");
    assertThat(r.body().split("\n")).hasSize(1);
    Wire.assertExpired(p, r); // status, headers and the JSON value as on /api/me
    assertThat(s.streams().started()).isZero();
    assertThat(s.counters().rejectedRequests()).isEqualTo(1);
  }

  @Test
  void heldStreamSendsItsFirstValueAndWaitsForRelease() throws Exception {
    AuthServer s = start(Profile.CODE_1002);
    String access = s.issueTokens("demo").accessToken();
    HttpResponse<InputStream> r = Wire.HTTP.send(Wire.withAccess(HttpRequest.newBuilder(
        s.apiUri("/api/stream?hold=true&lines=2")), Profile.CODE_1002, access).timeout(BOUND).build(),
        BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(Wire.json(in.readLine())).isEqualTo(Wire.json(Wire.meBody(Profile.CODE_1002)));
      Awaitility.await().atMost(BOUND).until(() -> s.streams().held() == 1);
      assertThat(s.streams().open()).isEqualTo(1);
      assertThat(s.streams().completed()).isZero();

      s.streams().releaseHeld();
      List<String> rest = new ArrayList<>();
      for (String line; (line = in.readLine()) != null; ) {
        rest.add(line);
      }
      assertThat(rest).containsExactly("{\"seq\":1}", "{\"seq\":2}");
    }
    Awaitility.await().atMost(BOUND).until(() -> s.streams().open() == 0);
    assertThat(s.streams().completed()).isEqualTo(1);
  }

  @Test
  void streamValidatesItsParameters() {
    AuthServer s = start(Profile.OAUTH2);
    String access = s.issueTokens("demo").accessToken();
    assertThat(Wire.api(s, "/api/stream?lines=-1", access).statusCode()).isEqualTo(400);
    assertThat(Wire.api(s, "/api/stream?lines=x", access).statusCode()).isEqualTo(400);
    assertThat(Wire.api(s, "/api/stream?hold=yes", access).statusCode()).isEqualTo(400);
    assertThat(Wire.send(Wire.withAccess(Wire.postJson(s.apiUri("/api/stream"), "{}"), Profile.OAUTH2, access))
        .statusCode()).isEqualTo(405);
  }

  @Test
  void closingTheServerEndsHeldStreamsAndReplies() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    String access = s.issueTokens("demo").accessToken();
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().holdRefreshReplyAfterCommit(1);
    CompletableFuture<HttpResponse<String>> stream = Wire.HTTP.sendAsync(Wire.withAccess(HttpRequest.newBuilder(
        s.apiUri("/api/stream?hold=true")), Profile.OAUTH2, access).timeout(BOUND).build(), BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> refresh = Wire.HTTP.sendAsync(
        Wire.refreshRequest(s, tokens.refreshToken()).timeout(BOUND).build(), BodyHandlers.ofString());
    Awaitility.await().atMost(BOUND).until(() -> s.streams().held() == 1 && s.faults().heldReplies() == 1);
    s.close(); // the held requests end at once (their connections may be cut before the rest of a stream)
    Awaitility.await().atMost(BOUND).until(() -> stream.isDone() && refresh.isDone());
    assertThat(refresh).isCompletedExceptionally();
  }

  // ---- reject every access token

  @ParameterizedTest
  @EnumSource(Profile.class)
  void rejectTokensFaultRejectsFreshTokensEverywhereIncludingStreams(Profile p) {
    AuthServer s = start(p);
    String fresh = s.issueTokens("demo").accessToken();
    s.faults().failAlways(Endpoint.API, Faults.Fault.REJECT_TOKENS);
    Wire.assertExpired(p, Wire.me(s, fresh));
    HttpResponse<String> stream = Wire.api(s, "/api/stream", fresh);
    Wire.assertExpired(p, stream);
    assertThat(stream.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    // tokens issued after the rule are rejected too
    Wire.assertExpired(p, Wire.me(s, Wire.loginTokens(s).access()));
    assertThat(s.counters().rejectedRequests()).isEqualTo(3);
    s.faults().clear();
    Wire.assertMe(p, Wire.me(s, fresh));
  }

  // ---- the server's clock is not the client's

  @Test
  void theServerKeepsItsOwnClock() {
    MutableClock serverClock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    AuthServer s = start(Profile.OAUTH2, b -> b.clock(serverClock).accessTtl(Duration.ofSeconds(60)));
    assertThat(s.clock()).isSameAs(serverClock);
    IssuedTokens tokens = s.issueTokens("demo");
    assertThat(tokens.expiresIn()).isEqualTo(Duration.ofSeconds(60));

    // the client's clock (the test's own, 2030-01-01 too) stays; only the server's runs ahead
    serverClock.advance(Duration.ofSeconds(61));
    Wire.assertExpired(Profile.OAUTH2, Wire.me(s, tokens.accessToken()));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
    // a refresh issues tokens on the server's time
    Wire.Tokens next = Wire.refreshTokens(s, tokens.refreshToken());
    Wire.assertMe(Profile.OAUTH2, Wire.me(s, next.access()));
  }
}
