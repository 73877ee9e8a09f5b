package dev.silentrefresh.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.BufferedSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streaming replies in a dialect whose "expired" signal is in the body of a 200: peeked only as far as needed. */
@Timeout(30) // a peek that waits for the end of an endless stream would hang
class OkHttpStreamingReplyTest {
  private final OkHttpClient plain = new OkHttpClient();
  private final AuthServer auth = AuthServer.builder(Profile.CODE_50014).start();
  private final StreamingApi api;
  private TokenSession session;
  private OkHttpClient client;

  OkHttpStreamingReplyTest() throws Exception {
    api = new StreamingApi();
    useSession(Duration.ofSeconds(10)); // ample: only bounds a failure (a cold JVM parses its first JSON slowly)
  }

  private void useSession(Duration peekTimeout) {
    session = TokenSession.builder(auth.dialect(), OkHttpRefreshTransport.of(plain))
        .scope(api.origin())
        .bodyPeekTimeout(peekTimeout)
        .build();
    client = OkHttpRefreshInterceptor.install(plain.newBuilder(), session).build();
  }

  @AfterEach
  void close() {
    api.close();
    auth.close();
    plain.connectionPool().evictAll();
  }

  private Request get(String path) {
    return new Request.Builder().url(api.uri(path).toString()).build();
  }

  @Test
  void theCallerReadsTheFirstLinesWhileTheServerStillStreams() throws Exception {
    session.signIn(auth.issueTokens(auth.username()).toTokensWithoutExpiry());
    try (Response r = client.newCall(get("/feed")).execute()) {
      BufferedSource lines = r.body().source();
      assertThat(lines.readUtf8LineStrict()).isEqualTo("{\"code\":0,\"n\":0}");
      assertThat(lines.readUtf8LineStrict()).isEqualTo("{\"code\":0,\"n\":1}");
      api.more.release();
      assertThat(lines.readUtf8LineStrict()).as("a line the server sent after the caller had the reply")
          .isEqualTo("{\"code\":0,\"n\":2}");
    }
    assertThat(auth.counters().refreshCalls()).isZero();
  }

  @Test
  void aFirstChunkSlowerThanThePeekTimeoutStillReachesTheCaller() throws Exception {
    useSession(Duration.ofMillis(200));
    session.signIn(auth.issueTokens(auth.username()).toTokensWithoutExpiry());
    api.stallFirstChunk = true;
    CompletableFuture<Response> sent = OkHttpRefreshInterceptorTest.enqueue(client.newCall(get("/slow")));
    try (Response r = sent.get(10, TimeUnit.SECONDS)) { // before the server sent any body byte
      assertThat(r.code()).isEqualTo(200);
      api.firstChunk.countDown();
      BufferedSource lines = r.body().source();
      assertThat(lines.readUtf8LineStrict()).isEqualTo("{\"code\":0,\"n\":0}");
      assertThat(lines.readUtf8LineStrict()).isEqualTo("{\"code\":0,\"n\":1}");
    }
  }

  @Test
  void aCallerClosingAStalledReplyEarlyIsNotHeldUp() throws Exception {
    useSession(Duration.ofMillis(200));
    session.signIn(auth.issueTokens(auth.username()).toTokensWithoutExpiry());
    api.stallFirstChunk = true;
    Response r = client.newCall(get("/slow")).execute();
    r.close(); // the peek's read is still waiting for the first chunk
    try (Response next = plain.newCall(new Request.Builder().url(auth.baseUri().toString()).build()).execute()) {
      assertThat(next.code()).as("the client still works").isPositive();
    }
  }

  @Test
  void aRejectionInTheFirstStreamedValueIsRefreshedAndReplayed() throws Exception {
    Tokens expired = auth.issueExpiredTokens(auth.username()).toTokensWithoutExpiry();
    session.signIn(expired);
    api.rejectedToken = expired.accessToken();
    try (Response r = client.newCall(get("/feed")).execute()) {
      assertThat(r.body().source().readUtf8LineStrict()).as("the replay's stream").isEqualTo("{\"code\":0,\"n\":0}");
    }
    assertThat(auth.counters().refreshCalls()).isEqualTo(1);
    assertThat(api.requests.get()).as("the request, then its replay").isEqualTo(2);
  }
}
