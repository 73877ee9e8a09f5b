package dev.silentrefresh.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Streaming replies in a dialect whose "expired" signal is in the body of a 200: peeked only as far as needed. */
@Timeout(30) // a peek that waits for the end of an endless stream would hang
class JdkStreamingReplyTest {
  private final HttpClient plain = HttpClient.newHttpClient();
  private final AuthServer auth = AuthServer.builder(Profile.CODE_50014).start();
  private final StreamingApi api;
  private TokenSession session;
  private HttpClient client;

  JdkStreamingReplyTest() throws Exception {
    api = new StreamingApi();
    useSession(Duration.ofSeconds(10)); // ample: only bounds a failure (a cold JVM parses its first JSON slowly)
  }

  private void useSession(Duration peekTimeout) {
    session = TokenSession.builder(auth.dialect(), JdkRefreshTransport.of(plain))
        .scope(api.origin())
        .bodyPeekTimeout(peekTimeout)
        .build();
    client = JdkRefreshClient.wrap(plain, session);
  }

  @AfterEach
  void close() {
    api.close();
    auth.close();
  }

  @Test
  void theCallerReadsTheFirstLinesWhileTheServerStillStreams() throws Exception {
    session.signIn(auth.issueTokens(auth.username()).toTokensWithoutExpiry());
    HttpResponse<Stream<String>> reply = client.sendAsync(HttpRequest.newBuilder(api.uri("/feed")).build(),
        HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
    Iterator<String> lines = reply.body().iterator();
    assertThat(lines.next()).isEqualTo("{\"code\":0,\"n\":0}");
    assertThat(lines.next()).isEqualTo("{\"code\":0,\"n\":1}");
    api.more.release();
    assertThat(lines.next()).as("a line the server sent after the caller had the reply").isEqualTo("{\"code\":0,\"n\":2}");
    reply.body().close();
    assertThat(auth.counters().refreshCalls()).isZero();
  }

  @Test
  void aFirstChunkSlowerThanThePeekTimeoutStillReachesTheCaller() throws Exception {
    useSession(Duration.ofMillis(200));
    session.signIn(auth.issueTokens(auth.username()).toTokensWithoutExpiry());
    api.stallFirstChunk = true;
    CompletableFuture<HttpResponse<InputStream>> sent = client.sendAsync(
        HttpRequest.newBuilder(api.uri("/slow")).build(), HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<InputStream> reply = sent.get(10, TimeUnit.SECONDS); // before the server sent any body byte
    assertThat(reply.statusCode()).isEqualTo(200);
    api.firstChunk.countDown();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(reply.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).isEqualTo("{\"code\":0,\"n\":0}");
      assertThat(in.readLine()).isEqualTo("{\"code\":0,\"n\":1}");
    }
  }

  @Test
  void aRejectionInTheFirstStreamedValueIsRefreshedAndReplayed() throws Exception {
    Tokens expired = auth.issueExpiredTokens(auth.username()).toTokensWithoutExpiry();
    session.signIn(expired);
    api.rejectedToken = expired.accessToken();
    HttpResponse<Stream<String>> reply = client.sendAsync(HttpRequest.newBuilder(api.uri("/feed")).build(),
        HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
    Iterator<String> lines = reply.body().iterator();
    assertThat(lines.next()).as("the replay's stream").isEqualTo("{\"code\":0,\"n\":0}");
    reply.body().close();
    assertThat(auth.counters().refreshCalls()).isEqualTo(1);
    assertThat(api.requests.get()).as("the request, then its replay").isEqualTo(2);
  }

  @Test
  void theBlockingSendAlsoHandsAStreamOnAtOnce() throws Exception {
    Tokens expired = auth.issueExpiredTokens(auth.username()).toTokensWithoutExpiry();
    session.signIn(expired);
    api.rejectedToken = expired.accessToken();
    HttpResponse<InputStream> reply = client.send(HttpRequest.newBuilder(api.uri("/feed")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(reply.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).isEqualTo("{\"code\":0,\"n\":0}");
    }
    assertThat(auth.counters().refreshCalls()).isEqualTo(1);
  }
}
