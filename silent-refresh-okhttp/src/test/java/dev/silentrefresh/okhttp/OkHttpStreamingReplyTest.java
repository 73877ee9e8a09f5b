package dev.silentrefresh.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streaming replies ({@code /api/stream} of the testkit) in a dialect whose "expired" signal is in the body of a
 * 200: peeked only as far as needed.
 */
@Timeout(30) // a peek (or a discard) that waits for the end of a held stream would hang
class OkHttpStreamingReplyTest {
  private static final String FIRST_VALUE = "{\"code\":0,\"data\":"; // CODE_50014's API value
  private static final Duration BOUND = Duration.ofSeconds(10);
  private final AuthServer auth = AuthServer.builder(Profile.CODE_50014).start();
  private final OkHttpClient plain = new OkHttpClient();
  private OkHttpClient client;

  private void signedIn(Duration peekTimeout, boolean expired) throws Exception {
    TokenSession session = TokenSession.builder(auth.dialect(), OkHttpRefreshTransport.of(plain))
        .scope(auth.baseUri()).bodyPeekTimeout(peekTimeout).build();
    client = OkHttpRefreshInterceptor.install(plain.newBuilder(), session).build();
    session.signIn((expired ? auth.issueExpiredTokens(auth.username()) : auth.issueTokens(auth.username()))
        .toTokensWithoutExpiry());
  }

  @AfterEach
  void close() {
    auth.close(); // ends held streams
    plain.connectionPool().evictAll();
  }

  private Request stream(String query) {
    return new Request.Builder().url(auth.apiUri("/api/stream?" + query).toString()).build();
  }

  @Test
  void theCallerReadsTheFirstLinesWhileTheServerStillStreams() throws Exception {
    signedIn(BOUND, false); // a peek timeout that only bounds a failure (a cold JVM parses its first JSON slowly)
    try (Response r = client.newCall(stream("hold=true&lines=1")).execute()) {
      BufferedSource lines = r.body().source();
      assertThat(lines.readUtf8LineStrict()).startsWith(FIRST_VALUE);
      Awaitility.await().atMost(BOUND).until(() -> auth.streams().held() == 1);
      assertThat(auth.streams().completed()).as("the server still streams").isZero();
      auth.streams().releaseHeld();
      assertThat(lines.readUtf8LineStrict()).as("a line the server sent after the caller had the reply")
          .isEqualTo("{\"seq\":1}");
    }
    assertThat(auth.counters().refreshCalls()).isZero();
  }

  @Test
  void aFirstChunkSlowerThanThePeekTimeoutStillReachesTheCaller() throws Exception {
    signedIn(Duration.ofMillis(200), false);
    CompletableFuture<Response> sent = OkHttpRefreshInterceptorTest.enqueue(client.newCall(stream("hold=first&lines=1")));
    try (Response r = sent.get(10, TimeUnit.SECONDS)) {
      assertThat(r.code()).isEqualTo(200);
      Awaitility.await().atMost(BOUND).until(() -> auth.streams().held() == 1);
      assertThat(auth.streams().started()).as("the caller had the reply before the server sent any body byte").isZero();
      auth.streams().releaseHeld();
      BufferedSource lines = r.body().source();
      assertThat(lines.readUtf8LineStrict()).startsWith(FIRST_VALUE);
      assertThat(lines.readUtf8LineStrict()).isEqualTo("{\"seq\":1}");
    }
  }

  @Test
  void aCallerClosingAStalledReplyEarlyIsNotHeldUp() throws Exception {
    signedIn(Duration.ofMillis(200), false);
    Response r = client.newCall(stream("hold=first")).execute();
    r.close(); // the peek's read is still waiting for the first chunk
    try (Response next = plain.newCall(new Request.Builder().url(auth.baseUri().toString()).build()).execute()) {
      assertThat(next.code()).as("the client still works").isPositive();
    }
  }

  @Test
  void aRejectionInTheFirstStreamedValueIsRefreshedAndReplayed() throws Exception {
    signedIn(BOUND, true);
    try (Response r = client.newCall(stream("holdRejection=true&hold=true")).execute()) {
      assertThat(r.body().source().readUtf8LineStrict()).as("the replay's stream").startsWith(FIRST_VALUE);
    }
    assertThat(auth.counters().refreshCalls()).isEqualTo(1);
    assertThat(auth.counters().apiRequests()).as("the request, then its replay").isEqualTo(2);
    assertThat(auth.counters().rejectedRequests()).isEqualTo(1);
  }
}
