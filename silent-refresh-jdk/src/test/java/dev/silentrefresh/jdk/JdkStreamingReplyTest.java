package dev.silentrefresh.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
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
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streaming replies ({@code /api/stream} of the testkit) in a dialect whose "expired" signal is in the body of a
 * 200: peeked only as far as needed.
 */
@Timeout(30) // a peek (or a discard) that waits for the end of a held stream would hang
class JdkStreamingReplyTest {
  private static final String FIRST_VALUE = "{\"code\":0,\"data\":"; // CODE_50014's API value
  private final AuthServer auth = AuthServer.builder(Profile.CODE_50014).start();
  private final HttpClient plain = HttpClient.newHttpClient();
  private TokenSession session;
  private HttpClient client;

  JdkStreamingReplyTest() {
    peekFor(Duration.ofSeconds(10)); // ample: only bounds a failure (a cold JVM parses its first JSON slowly)
  }

  private void peekFor(Duration peekTimeout) {
    session = TokenSession.builder(auth.dialect(), JdkRefreshTransport.of(plain))
        .scope(auth.baseUri()).bodyPeekTimeout(peekTimeout).build();
    client = JdkRefreshClient.wrap(plain, session);
  }

  @AfterEach
  void close() {
    auth.close(); // ends held streams
  }

  private HttpRequest stream(String query) {
    return HttpRequest.newBuilder(auth.apiUri("/api/stream?" + query)).build();
  }

  /** The reply as soon as the client hands it on (async), its body as lines. */
  private HttpResponse<Stream<String>> linesOf(String query) throws Exception {
    return client.sendAsync(stream(query), HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
  }

  @Test
  void theCallerReadsTheFirstLinesWhileTheServerStillStreams() throws Exception {
    session.signIn(auth.issueTokens(auth.username()).toTokensWithoutExpiry());
    HttpResponse<Stream<String>> reply = linesOf("hold=true&lines=1");
    Iterator<String> lines = reply.body().iterator();
    assertThat(lines.next()).startsWith(FIRST_VALUE);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> auth.streams().held() == 1);
    assertThat(auth.streams().completed()).as("the server still streams").isZero();
    auth.streams().releaseHeld();
    assertThat(lines.next()).as("a line the server sent after the caller had the reply").isEqualTo("{\"seq\":1}");
    reply.body().close();
    assertThat(auth.counters().refreshCalls()).isZero();
  }

  @Test
  void aFirstChunkSlowerThanThePeekTimeoutStillReachesTheCaller() throws Exception {
    peekFor(Duration.ofMillis(200));
    session.signIn(auth.issueTokens(auth.username()).toTokensWithoutExpiry());
    CompletableFuture<HttpResponse<InputStream>> sent = client.sendAsync(stream("hold=first&lines=1"),
        HttpResponse.BodyHandlers.ofInputStream());
    HttpResponse<InputStream> reply = sent.get(10, TimeUnit.SECONDS);
    assertThat(reply.statusCode()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> auth.streams().held() == 1);
    assertThat(auth.streams().started()).as("the caller had the reply before the server sent any body byte").isZero();
    auth.streams().releaseHeld();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(reply.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).startsWith(FIRST_VALUE);
      assertThat(in.readLine()).isEqualTo("{\"seq\":1}");
    }
  }

  @Test
  void aRejectionInTheFirstStreamedValueIsRefreshedAndReplayed() throws Exception {
    session.signIn(auth.issueExpiredTokens(auth.username()).toTokensWithoutExpiry());
    HttpResponse<Stream<String>> reply = linesOf("holdRejection=true&hold=true");
    Iterator<String> lines = reply.body().iterator();
    assertThat(lines.next()).as("the replay's stream").startsWith(FIRST_VALUE);
    reply.body().close();
    assertThat(auth.counters().refreshCalls()).isEqualTo(1);
    assertThat(auth.counters().apiRequests()).as("the request, then its replay").isEqualTo(2);
    assertThat(auth.counters().rejectedRequests()).isEqualTo(1);
  }

  @Test
  void theBlockingSendAlsoHandsAStreamOnAtOnce() throws Exception {
    session.signIn(auth.issueExpiredTokens(auth.username()).toTokensWithoutExpiry());
    HttpResponse<InputStream> reply = client.send(stream("holdRejection=true&hold=true"),
        HttpResponse.BodyHandlers.ofInputStream());
    try (BufferedReader in = new BufferedReader(new InputStreamReader(reply.body(), StandardCharsets.UTF_8))) {
      assertThat(in.readLine()).startsWith(FIRST_VALUE);
    }
    assertThat(auth.counters().refreshCalls()).isEqualTo(1);
  }
}
