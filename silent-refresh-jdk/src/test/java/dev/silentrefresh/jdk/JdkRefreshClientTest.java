package dev.silentrefresh.jdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Profile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What is specific to java.net.http: body publishers and handlers, cancellation, the client's settings. */
class JdkRefreshClientTest {
  private final HttpClient plain = HttpClient.newHttpClient();

  /** A reference server and a session speaking its dialect through the JDK transport. */
  private final class Fixture implements AutoCloseable {
    final AuthServer server;
    final TokenSession session;
    final List<String> replaySkipped = new java.util.concurrent.CopyOnWriteArrayList<>();

    Fixture(Profile profile, java.util.function.Consumer<AuthServer.Builder> options) {
      AuthServer.Builder b = AuthServer.builder(profile);
      options.accept(b);
      server = b.start();
      session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain))
          .listener(new dev.silentrefresh.SessionListener() {
            @Override
            public void replaySkipped(String reason) {
              replaySkipped.add(reason);
            }
          })
          .build();
    }

    java.net.URI me() {
      return server.apiUri("/api/me");
    }

    java.net.URI echo() {
      return server.apiUri("/api/echo");
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static Tokens expired(Fixture f) {
    return f.server.issueExpiredTokens(f.server.username()).toTokensWithoutExpiry();
  }

  @Test
  void aBodyLargerThanTheReplayBufferIsNotReplayedAndTheCallerIsToldWhy() throws Exception {
    try (Fixture f = new Fixture(Profile.OAUTH2, s -> {})) {
      f.session.signIn(expired(f));
      HttpClient client = JdkRefreshClient.wrap(plain, f.session, 16);
      HttpRequest post = HttpRequest.newBuilder(f.echo()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"a\":\"more than sixteen bytes\"}")).build();
      HttpResponse<String> reply = client.send(post, HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as("the rejected reply, as it came").isEqualTo(401);
      assertThat(f.replaySkipped).singleElement().asString().contains("larger than the replay buffer (16 bytes)");
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshSucceeded() == 1);
      // the session was renewed in the background: the caller's own retry works
      assertThat(client.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
    }
  }

  @Test
  void aOneShotInputStreamBodyIsReplayedFromTheCopy() throws Exception {
    try (Fixture f = new Fixture(Profile.CODE_1002, s -> {})) {
      f.session.signIn(expired(f));
      byte[] body = "{\"stream\":\"read once\"}".getBytes(StandardCharsets.UTF_8);
      InputStream once = new ByteArrayInputStream(body);
      HttpRequest post = HttpRequest.newBuilder(f.echo()).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofInputStream(() -> once)).build();
      HttpResponse<byte[]> reply = JdkRefreshClient.wrap(plain, f.session)
          .send(post, HttpResponse.BodyHandlers.ofByteArray());
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo(body);
      assertThat(f.server.counters().apiRequests()).isEqualTo(2);
    }
  }

  @Test
  void aStreamingBodyHandlerGetsThePeekedBodyIntact() throws Exception {
    try (Fixture f = new Fixture(Profile.CODE_50014, s -> {})) {
      f.session.signIn(expired(f));
      HttpResponse<InputStream> reply = JdkRefreshClient.wrap(plain, f.session)
          .send(HttpRequest.newBuilder(f.me()).build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = reply.body()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("9223372036854775807");
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
    }
  }

  @Test
  void cancellingTheCallThatTriggeredARefreshDoesNotCancelItForOthers() throws Exception {
    try (Fixture f = new Fixture(Profile.CODE_401, s -> s.latency(Endpoint.REFRESH, Duration.ofMillis(300)))) {
      f.session.signIn(expired(f));
      HttpClient client = JdkRefreshClient.wrap(plain, f.session);
      HttpRequest get = HttpRequest.newBuilder(f.me()).build();
      CompletableFuture<HttpResponse<String>> first = client.sendAsync(get, HttpResponse.BodyHandlers.ofString());
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshCalls() == 1);
      first.cancel(true);
      List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
      for (int i = 0; i < 10; i++) others.add(client.sendAsync(get, HttpResponse.BodyHandlers.ofString()));
      for (CompletableFuture<HttpResponse<String>> o : others) {
        assertThat(o.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().refreshSucceeded()).isEqualTo(1);
    }
  }

  @Test
  void aSendAsyncCancelledWhileItWaitsForARefreshIsNeverSent() throws Exception {
    try (Fixture f = new Fixture(Profile.CODE_401, s -> s.latency(Endpoint.REFRESH, Duration.ofSeconds(2)))) {
      f.session.signIn(expired(f));
      HttpClient client = JdkRefreshClient.wrap(plain, f.session);
      CompletableFuture<HttpResponse<String>> first = client.sendAsync(HttpRequest.newBuilder(f.me()).build(),
          HttpResponse.BodyHandlers.ofString());
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshCalls() == 1);
      CompletableFuture<HttpResponse<String>> cancelled = client.sendAsync(
          HttpRequest.newBuilder(f.me()).build(), HttpResponse.BodyHandlers.ofString());
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.session.waitingForRefresh() == 2);
      assertThat(cancelled.cancel(true)).isTrue();

      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      List<CompletableFuture<HttpResponse<String>>> others = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        others.add(client.sendAsync(HttpRequest.newBuilder(f.me()).build(), HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> o : others) assertThat(o.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(f.server.counters().apiRequests()).as("the first (rejected, replayed) and the others only").isEqualTo(2 + 10);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.session.waitingForRefresh()).isZero();
    }
  }

  /** Needs core: cancelling the future executeAsync returned ends that request's wait at once. */
  @Test
  void aSendAsyncCancelledWhileItWaitsForARefreshStopsWaitingAtOnce() throws Exception {
    try (Fixture f = new Fixture(Profile.OAUTH2, s -> s.latency(Endpoint.REFRESH, Duration.ofSeconds(5)))) {
      f.session.signIn(expired(f));
      HttpClient client = JdkRefreshClient.wrap(plain, f.session);
      client.sendAsync(HttpRequest.newBuilder(f.me()).build(), HttpResponse.BodyHandlers.ofString());
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshCalls() == 1);
      CompletableFuture<HttpResponse<String>> cancelled = client.sendAsync(
          HttpRequest.newBuilder(f.me()).build(), HttpResponse.BodyHandlers.ofString());
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.session.waitingForRefresh() == 2);
      cancelled.cancel(true);
      await().atMost(2, TimeUnit.SECONDS).until(() -> f.session.waitingForRefresh() == 1);
      assertThat(f.server.counters().refreshSucceeded()).as("while the refresh is still in flight").isZero();
    }
  }

  @Test
  void sendAsyncReturnsAtOnceWhileARefreshIsInFlight() throws Exception {
    try (Fixture f = new Fixture(Profile.OAUTH2, s -> s.latency(Endpoint.REFRESH, Duration.ofSeconds(3)))) {
      f.session.signIn(expired(f));
      HttpClient client = JdkRefreshClient.wrap(plain, f.session);
      HttpRequest get = HttpRequest.newBuilder(f.me()).build();
      CompletableFuture<HttpResponse<String>> first = client.sendAsync(get, HttpResponse.BodyHandlers.ofString());
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshCalls() == 1);
      // The refresh now takes 3 s on the server. Calls made from this one thread must not wait for it.
      List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
      for (int i = 0; i < 50; i++) waiting.add(client.sendAsync(get, HttpResponse.BodyHandlers.ofString()));
      assertThat(f.server.counters().refreshSucceeded()).as("the refresh is still in flight").isZero();
      assertThat(waiting).noneMatch(CompletableFuture::isDone);
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.session.waitingForRefresh() == 51);
      assertThat(first.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      for (CompletableFuture<HttpResponse<String>> w : waiting) assertThat(w.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.session.waitingForRefresh()).isZero();
    }
  }

  /**
   * What the README advises for thousands of {@code sendAsync} calls: a client with a bounded executor. Two threads
   * run every completion of 500 requests meeting an expired token (the refresh goes through a client of its own, so
   * that it never queues behind them): none of the session's work blocks them, so all succeed after one refresh.
   */
  @Test
  void aClientWithATwoThreadExecutorServesFiveHundredAsyncWaitersOnOneRefresh() throws Exception {
    java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
    HttpClient bounded = HttpClient.newBuilder().executor(two).build();
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).latency(Endpoint.REFRESH, Duration.ofMillis(200)).start()) {
      TokenSession session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain)).build();
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      HttpClient client = JdkRefreshClient.wrap(bounded, session);
      HttpRequest get = HttpRequest.newBuilder(server.apiUri("/api/me")).build();
      List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
      for (int i = 0; i < 500; i++) all.add(client.sendAsync(get, HttpResponse.BodyHandlers.ofString()));
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(120, TimeUnit.SECONDS);
      assertThat(all).allSatisfy(r -> assertThat(r.join().statusCode()).isEqualTo(200));
      assertThat(server.counters().refreshCalls()).isEqualTo(1);
    } finally {
      two.shutdownNow();
    }
  }

  @Test
  void theCallerSeesItsOwnRequestWithoutTheTokenHeader() throws Exception {
    try (Fixture f = new Fixture(Profile.OAUTH2, s -> {})) {
      Tokens t = expired(f);
      f.session.signIn(t);
      HttpRequest get = HttpRequest.newBuilder(f.me()).header("Authorization", "Bearer stale-caller-value").build();
      HttpResponse<String> reply = JdkRefreshClient.wrap(plain, f.session).send(get, HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).as("the caller's own Authorization header was replaced").isEqualTo(200);
      assertThat(reply.request()).isSameAs(get);
      assertThat(reply.toString()).doesNotContain(t.accessToken()).contains("200");
    }
  }

  @Test
  void withManyUsersEachRequestGoesThroughTheSessionOfItsViewsKeyElseOfItsCallingThreadsKey() throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).latency(Endpoint.REFRESH, Duration.ofMillis(200)).start()) {
      TokenSessions sessions = TokenSessions.builder(
          user -> TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain)).build()).build();
      for (String user : List.of("alice", "bob")) {
        sessions.get(user).signIn(server.issueExpiredTokens(user).toTokensWithoutExpiry());
      }
      JdkRefreshClient client = JdkRefreshClient.wrap(plain, sessions);
      HttpRequest me = HttpRequest.newBuilder(server.apiUri("/api/me")).build();

      // read on the calling thread at entry: the reply, after a refresh on the session's executor, is alice's
      CompletableFuture<HttpResponse<String>> alice =
          TokenSessions.callAs("alice", () -> client.sendAsync(me, HttpResponse.BodyHandlers.ofString()));
      HttpResponse<String> bob = client.forKey("bob").send(me, HttpResponse.BodyHandlers.ofString());
      assertThat(alice.get(10, TimeUnit.SECONDS).body()).contains("\"username\":\"alice\"");
      assertThat(bob.body()).contains("\"username\":\"bob\"");
      assertThat(TokenSessions.callAs("alice", () -> client.forKey("bob").send(me, HttpResponse.BodyHandlers.ofString())))
          .as("the view's key wins over the thread's").satisfies(r -> assertThat(r.body()).contains("\"username\":\"bob\""));
      assertThat(server.counters().refreshCalls()).as("one per user").isEqualTo(2);
      assertThat(TokenSessions.callAs("alice", client::session)).isSameAs(sessions.get("alice"));
      assertThat(client.forKey("bob").session()).isSameAs(sessions.get("bob"));
      assertThat(client.sessions()).isSameAs(sessions);
      assertThat(client.forKey("bob").toString()).contains("key bob").doesNotContain("Bearer");
      assertThatThrownBy(client::session).isInstanceOf(IllegalStateException.class);

      long sent = server.counters().apiRequests();
      assertThatThrownBy(() -> client.send(me, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class).isNotInstanceOf(LoginRequiredException.class)
          .hasMessageContaining("names no session key").hasCauseInstanceOf(IllegalStateException.class);
      assertThat(client.sendAsync(me, HttpResponse.BodyHandlers.ofString())).failsWithin(5, TimeUnit.SECONDS)
          .withThrowableOfType(ExecutionException.class).withCauseInstanceOf(IOException.class)
          .withMessageContaining("names no session key");
      assertThatThrownBy(() -> client.forKey("carol").send(me, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOfSatisfying(LoginRequiredException.class,
              e -> assertThat(e.reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION));
      assertThatThrownBy(() -> client.forKey("x".repeat(257)).send(me, HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class).hasMessageContaining("256");
      assertThatThrownBy(() -> client.forKey("")).isInstanceOf(IllegalArgumentException.class);
      assertThat(server.counters().apiRequests()).as("nothing was sent for those").isEqualTo(sent);
    }
  }

  @Test
  void clientsThatFollowRedirectsAreRefused() {
    TokenSession session = TokenSession.builder(
        dev.silentrefresh.Dialect.putBearer(java.net.URI.create("http://127.0.0.1:1/v1_0/authorizations")),
        JdkRefreshTransport.of(plain)).build();
    HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    assertThatThrownBy(() -> JdkRefreshClient.wrap(following, session))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redirect.NEVER");
    HttpClient wrapped = JdkRefreshClient.wrap(plain, session);
    assertThatThrownBy(() -> JdkRefreshClient.wrap(wrapped, session)).hasMessageContaining("wrap the plain client");
    assertThat(JdkRefreshTransport.of(wrapped)).isNotNull();
  }
}
