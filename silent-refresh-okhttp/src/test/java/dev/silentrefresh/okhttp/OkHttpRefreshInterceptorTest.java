package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.SessionCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What is specific to OkHttp: request bodies, cancellation, redirects, peeked replies, the caller's view. */
class OkHttpRefreshInterceptorTest {
  private static final String BIG_ID = "9223372036854775807";
  private static final MediaType JSON = MediaType.get("application/json");

  @Test
  void aOneShotBodyIsNotReplayedAndTheCallerIsToldWhy() throws Exception {
    try (Fixture f = Fixture.of(Profile.OAUTH2)) {
      f.signInExpired();
      byte[] json = "{\"once\":true}".getBytes(StandardCharsets.UTF_8);
      Request post = new Request.Builder().url(f.echo().toString()).post(oneShot(json)).build();
      try (Response reply = f.client.newCall(post).execute()) {
        assertThat(reply.code()).as("the rejected reply, as it came").isEqualTo(401);
      }
      assertThat(f.replaySkipped).singleElement().asString().contains("one-shot");
      assertThat(f.server.counters().apiRequests()).as("not replayed").isEqualTo(1);
      // the session was renewed in the background: the caller's own retry works
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshSucceeded() == 1);
      try (Response retry = f.client.newCall(post.newBuilder().post(oneShot(json)).build()).execute()) {
        assertThat(retry.code()).isEqualTo(200);
        assertThat(retry.body().bytes()).isEqualTo(json);
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
    }
  }

  @Test
  void anOrdinaryBodyIsWrittenAgainForTheReplay() throws Exception {
    try (Fixture f = Fixture.of(Profile.CODE_401)) {
      f.signInExpired();
      byte[] json = "{\"order\":42}".getBytes(StandardCharsets.UTF_8);
      Request post = new Request.Builder().url(f.echo().toString()).post(RequestBody.create(json, JSON)).build();
      try (Response reply = f.client.newCall(post).execute()) {
        assertThat(reply.code()).isEqualTo(200);
        assertThat(reply.body().bytes()).isEqualTo(json);
      }
      assertThat(f.server.counters().apiRequests()).isEqualTo(2);
      assertThat(f.replaySkipped).isEmpty();
    }
  }

  @Test
  void cancellingCallsWaitingForARefreshEndsTheirWaitButNotTheRefresh() throws Exception {
    try (Fixture f = new Fixture(Profile.CODE_401, s -> s.latency(Endpoint.REFRESH, Duration.ofSeconds(3)), b -> {})) {
      f.signInExpired();
      Call trigger = f.client.newCall(get(f.me()));
      CompletableFuture<Response> triggered = enqueue(trigger);
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.server.counters().refreshCalls() == 1);

      Call blocking = f.client.newCall(get(f.me()));
      CompletableFuture<Throwable> blockingFailure = new CompletableFuture<>();
      boolean[] leftInterrupted = new boolean[1];
      Thread caller = new Thread(() -> {
        try (Response r = blocking.execute()) {
          blockingFailure.complete(new AssertionError("the cancelled call was answered: " + r.code()));
        } catch (IOException e) {
          leftInterrupted[0] = Thread.currentThread().isInterrupted();
          blockingFailure.complete(e);
        }
      });
      caller.start();
      await().atMost(5, TimeUnit.SECONDS).until(() -> f.session.waitingForRefresh() == 2);

      trigger.cancel();
      blocking.cancel();
      Throwable asyncError = failureOf(triggered);
      Throwable blockingError = blockingFailure.get(2, TimeUnit.SECONDS);
      assertThat(f.server.counters().refreshSucceeded()).as("both waits ended before the refresh did").isZero();
      assertThat(asyncError).isInstanceOf(IOException.class).hasMessage("Canceled");
      assertThat(blockingError).isInstanceOf(IOException.class).hasMessage("Canceled");
      caller.join(2000);
      assertThat(leftInterrupted[0]).as("the caller's thread is not left interrupted").isFalse();

      // The refresh goes on; later calls (on the same dispatcher threads) get its token.
      List<CompletableFuture<Response>> others = new ArrayList<>();
      for (int i = 0; i < 10; i++) others.add(enqueue(f.client.newCall(get(f.me()))));
      for (CompletableFuture<Response> o : others) {
        try (Response r = o.get(10, TimeUnit.SECONDS)) {
          assertThat(r.code()).isEqualTo(200);
          assertThat(r.body().string()).contains(BIG_ID);
        }
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().refreshSucceeded()).isEqualTo(1);
      assertThat(f.server.counters().apiRequests()).as("the cancelled calls were not replayed").isEqualTo(1 + 10);
    }
  }

  @Test
  void aCallTimeoutEndsTheWaitForARefreshToo() throws Exception {
    try (Fixture f = new Fixture(Profile.OAUTH2, s -> s.latency(Endpoint.REFRESH, Duration.ofSeconds(3)), b -> {})) {
      f.signInExpired();
      OkHttpClient impatient = f.client.newBuilder().callTimeout(Duration.ofMillis(300)).build();
      long start = System.nanoTime();
      assertThatThrownBy(() -> impatient.newCall(get(f.me())).execute())
          .isInstanceOf(java.io.InterruptedIOException.class).hasMessage("timeout");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      assertThat(Thread.currentThread().isInterrupted()).isFalse();
      try (Response r = f.client.newCall(get(f.me())).execute()) {
        assertThat(r.code()).as("the refresh went on").isEqualTo(200);
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"CODE_50014", "CODE_401", "OAUTH2"})
  void aRedirectOutOfScopeCarriesNoToken(Profile profile) throws Exception {
    Map<String, Map<String, List<String>>> seen = new ConcurrentHashMap<>();
    HttpServer foreign = server(seen, exchange -> reply(exchange, 200, "{\"foreign\":true}", false));
    HttpServer redirector = redirector(seen, originOf(foreign).resolve("/landing"));
    URI redirectorOrigin = originOf(redirector);
    try (Fixture f = new Fixture(profile, s -> {}, b -> b.scope(redirectorOrigin))) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      String header = f.session.dialect().tokenHeader();
      try (Response r = f.client.newCall(get(redirectorOrigin.resolve("/moved"))).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).contains("foreign");
      }
      assertThat(headerNames(seen, "/moved")).as("in scope: the token went").anyMatch(header::equalsIgnoreCase);
      assertThat(headerNames(seen, "/landing")).as("out of scope: it did not").noneMatch(header::equalsIgnoreCase);

      // Without the guard OkHttp copies a custom token header (not Authorization) to the foreign origin.
      OkHttpClient.Builder unguarded = OkHttpRefreshInterceptor.install(f.plain.newBuilder(), f.session);
      unguarded.networkInterceptors().clear();
      seen.clear();
      try (Response r = unguarded.build().newCall(get(redirectorOrigin.resolve("/moved"))).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      boolean leaked = headerNames(seen, "/landing").stream().anyMatch(header::equalsIgnoreCase);
      assertThat(leaked).as("OkHttp alone leaks " + header).isEqualTo(!header.equalsIgnoreCase("Authorization"));
    } finally {
      foreign.stop(0);
      redirector.stop(0);
    }
  }

  /** A foreign origin's "expired" reply, reached through a redirect, is not the session's business. */
  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"OAUTH2", "CODE_50014", "CODE_401"})
  void aForeignRejectionReachedThroughARedirectTriggersNoRefresh(Profile profile) throws Exception {
    Map<String, Map<String, List<String>>> seen = new ConcurrentHashMap<>();
    int foreignStatus = profile == Profile.OAUTH2 ? 401 : profile == Profile.CODE_401 ? 400 : 200;
    String foreignBody = profile == Profile.OAUTH2 ? "{\"error\":\"invalid_token\"}"
        : profile == Profile.CODE_401 ? "{\"code\":401}" : "{\"code\":50014}";
    HttpServer foreign = server(seen, exchange -> {
      exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      reply(exchange, foreignStatus, foreignBody, false);
    });
    HttpServer api = redirector(seen, originOf(foreign).resolve("/elsewhere"));
    URI apiOrigin = originOf(api);
    try (Fixture f = new Fixture(profile, s -> {}, b -> b.scope(apiOrigin))) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      String header = f.session.dialect().tokenHeader();
      try (Response r = f.client.newCall(get(apiOrigin.resolve("/moved"))).execute()) {
        assertThat(r.code()).as("the foreign reply, as it came").isEqualTo(foreignStatus);
        assertThat(r.body().string()).isEqualTo(foreignBody);
      }
      assertThat(f.server.counters().refreshCalls()).isZero();
      assertThat(headerNames(seen, "/elsewhere")).noneMatch(header::equalsIgnoreCase);
    } finally {
      foreign.stop(0);
      api.stop(0);
    }
  }

  @Test
  void aRedirectWithinScopeKeepsTheToken() throws Exception {
    AtomicReference<URI> target = new AtomicReference<>();
    HttpServer redirector = server(new ConcurrentHashMap<>(), exchange -> {
      exchange.getResponseHeaders().add("Location", target.get().toString());
      reply(exchange, 302, "", false);
    });
    URI origin = URI.create("http://127.0.0.1:" + redirector.getAddress().getPort());
    try (Fixture f = new Fixture(Profile.CODE_50014, s -> {}, b -> b.scope(origin))) {
      target.set(f.me()); // the reference server: in scope too
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      try (Response r = f.client.newCall(get(origin.resolve("/moved"))).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).as("the API accepted the token").contains(BIG_ID);
      }
      assertThat(f.server.counters().rejectedRequests()).isZero();
    } finally {
      redirector.stop(0);
    }
  }

  @Test
  void aLargeChunkedJsonReplyOfABodyCodeDialectReachesTheCallerIntact() throws Exception {
    StringBuilder sb = new StringBuilder("{\"items\":[");
    for (int i = 0; i < 20_000; i++) sb.append(i == 0 ? "" : ",").append(i);
    String big = sb.append("],\"code\":0}").toString();
    HttpServer api = server(new ConcurrentHashMap<>(), exchange -> reply(exchange, 200, big, true));
    URI origin = URI.create("http://127.0.0.1:" + api.getAddress().getPort());
    try (Fixture f = new Fixture(Profile.CODE_50014, s -> {}, b -> b.scope(origin))) {
      f.session.signIn(f.server.issueTokens(f.server.username()).toTokensWithoutExpiry());
      assertThat(big.length()).isGreaterThan(SessionCalls.of(f.session).maxBodyPeekBytes());
      try (Response r = f.client.newCall(get(origin.resolve("/big"))).execute()) {
        assertThat(r.header("Content-Length")).as("length unknown: the body is peeked").isNull();
        assertThat(r.body().string()).isEqualTo(big);
      }
      // A reply just under the limit (the echo of a 60 KB body, after a refresh) is peeked whole: also intact.
      f.signInExpired();
      byte[] json = ("{\"pad\":\"" + "x".repeat(60_000) + "\"}").getBytes(StandardCharsets.UTF_8);
      assertThat(json.length).isLessThan(SessionCalls.of(f.session).maxBodyPeekBytes());
      Request post = new Request.Builder().url(f.echo().toString()).post(RequestBody.create(json, JSON)).build();
      try (Response r = f.client.newCall(post).execute()) {
        assertThat(r.body().bytes()).isEqualTo(json);
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
    } finally {
      api.stop(0);
    }
  }

  @Test
  void theCallerSeesItsOwnRequestWithoutTheToken() throws Exception {
    try (Fixture f = Fixture.of(Profile.CODE_50014)) {
      Tokens expired = f.signInExpired();
      Request get = new Request.Builder().url(f.me().toString()).header("X-Token", "caller-value").build();
      try (Response r = f.client.newCall(get).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).contains(BIG_ID);
        assertThat(r.request().headers("X-Token")).containsExactly("caller-value");
        String current = SessionCalls.of(f.session).tokenForSend().get().accessToken();
        assertThat(r.request().toString()).doesNotContain(current).doesNotContain(expired.accessToken());
        assertThat(r.toString()).doesNotContain(current);
      }
    }
  }

  @Test
  void withoutASessionTheCallFailsWithLoginRequired() {
    try (Fixture f = Fixture.of(Profile.PUT_BEARER)) {
      assertThatThrownBy(() -> f.client.newCall(get(f.me())).execute())
          .isInstanceOf(dev.silentrefresh.LoginRequiredException.class);
      assertThat(f.server.counters().apiRequests()).isZero();
    }
  }

  @Test
  void withManyUsersEachCallGoesThroughTheSessionOfItsTagElseOfTheKeyOfTheThreadThatMadeIt() throws Exception {
    OkHttpClient plain = new OkHttpClient();
    try (AuthServer server = AuthServer.builder(Profile.CODE_50014).latency(Endpoint.REFRESH, Duration.ofMillis(200)).start()) {
      TokenSessions sessions = TokenSessions.builder(
          user -> TokenSession.builder(server.dialect(), OkHttpRefreshTransport.of(plain)).build()).build();
      for (String user : List.of("alice", "bob", "carol")) {
        sessions.get(user).signIn(server.issueExpiredTokens(user).toTokensWithoutExpiry());
      }
      OkHttpClient client = OkHttpRefreshInterceptor.install(plain.newBuilder(), sessions).build();
      Call.Factory calls = SessionKey.fromCallingThread(client);
      Request me = get(server.apiUri("/api/me"));

      // a tag, on a dispatcher thread
      CompletableFuture<Response> alice = enqueue(client.newCall(as("alice", me)));
      // the thread's key: execute() runs the interceptor on this thread
      String bob = TokenSessions.callAs("bob", () -> {
        try (Response r = client.newCall(me).execute()) {
          return r.body().string();
        }
      });
      // the thread's key for enqueue(): the call is tagged on this thread
      CompletableFuture<Response> carol = TokenSessions.callAs("carol", () -> enqueue(calls.newCall(me)));
      CompletableFuture<Response> tagWins = TokenSessions.callAs("bob", () -> enqueue(calls.newCall(as("alice", me))));
      assertThat(bob).contains("\"username\":\"bob\"");
      for (Map.Entry<String, CompletableFuture<Response>> e : List.of(Map.entry("alice", alice), Map.entry("carol", carol),
          Map.entry("alice", tagWins))) {
        try (Response r = e.getValue().get(10, TimeUnit.SECONDS)) {
          assertThat(r.body().string()).contains("\"username\":\"" + e.getKey() + "\"");
        }
      }
      assertThat(server.counters().refreshCalls()).as("one per user").isEqualTo(3);

      OkHttpRefreshInterceptor interceptor = (OkHttpRefreshInterceptor) client.interceptors().get(0);
      assertThat(interceptor.sessions()).isSameAs(sessions);
      assertThat(TokenSessions.callAs("carol", interceptor::session)).isSameAs(sessions.get("carol"));
      assertThatThrownBy(interceptor::session).isInstanceOf(IllegalStateException.class);

      long sent = server.counters().apiRequests();
      Throwable enqueuedWithoutTag = failureOf(TokenSessions.callAs("alice", () -> enqueue(client.newCall(me))));
      assertThat(enqueuedWithoutTag).as("a dispatcher thread has no key").isInstanceOf(IOException.class)
          .isNotInstanceOf(LoginRequiredException.class).hasMessageContaining("names no session key")
          .hasCauseInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> client.newCall(me).execute()).isInstanceOf(IOException.class)
          .hasMessageContaining("names no session key");
      assertThatThrownBy(() -> client.newCall(as("dave", me)).execute())
          .isInstanceOfSatisfying(LoginRequiredException.class,
              e -> assertThat(e.reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION));
      assertThat(server.counters().apiRequests()).as("nothing was sent for those").isEqualTo(sent);
      assertThat(SessionKey.of("alice")).isEqualTo(SessionKey.of("alice")).hasToString("SessionKey{alice}");
      assertThatThrownBy(() -> SessionKey.of("")).isInstanceOf(IllegalArgumentException.class);
    } finally {
      plain.dispatcher().executorService().shutdown();
    }
  }

  /** Two users' sessions with different scopes: a redirect is judged by the scope of the request's own session. */
  @Test
  void withManyUsersARedirectKeepsOrDropsTheTokenByTheScopeOfTheRequestsOwnSession() throws Exception {
    Map<String, Map<String, List<String>>> seen = new ConcurrentHashMap<>();
    HttpServer foreign = server(seen, exchange -> reply(exchange, 200, "{\"foreign\":true}", false));
    URI foreignOrigin = originOf(foreign);
    HttpServer api = server(new ConcurrentHashMap<>(), exchange -> {
      exchange.getResponseHeaders().add("Location", foreignOrigin.resolve(exchange.getRequestURI().getPath()).toString());
      reply(exchange, 302, "", false);
    });
    URI apiOrigin = originOf(api);
    OkHttpClient plain = new OkHttpClient();
    try (AuthServer server = AuthServer.builder(Profile.CODE_50014).start()) {
      TokenSessions sessions = TokenSessions.builder(user -> TokenSession.builder(server.dialect(), OkHttpRefreshTransport.of(plain))
          .scope(user.equals("alice") ? new URI[] {apiOrigin, foreignOrigin} : new URI[] {apiOrigin}).build()).build();
      Tokens alice = server.issueTokens("alice").toTokensWithoutExpiry();
      sessions.get("alice").signIn(alice);
      sessions.get("bob").signIn(server.issueTokens("bob").toTokensWithoutExpiry());
      OkHttpClient client = OkHttpRefreshInterceptor.install(plain.newBuilder(), sessions).build();
      for (String user : List.of("bob", "alice", "bob")) {
        try (Response r = client.newCall(as(user, get(apiOrigin.resolve("/" + user)))).execute()) {
          assertThat(r.body().string()).contains("foreign");
        }
      }
      String header = server.dialect().tokenHeader();
      assertThat(headerValues(seen, "/alice", header)).as("in alice's scope").containsExactly(alice.accessToken());
      assertThat(headerValues(seen, "/bob", header)).as("not in bob's scope").isEmpty();
    } finally {
      foreign.stop(0);
      api.stop(0);
      plain.dispatcher().executorService().shutdown();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------

  /** {@code request} tagged with {@code user}'s session key. */
  private static Request as(String user, Request request) {
    return request.newBuilder().tag(SessionKey.class, SessionKey.of(user)).build();
  }

  private static List<String> headerValues(Map<String, Map<String, List<String>>> seen, String path, String name) {
    headerNames(seen, path);
    return seen.get(path).entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
        .flatMap(h -> h.getValue().stream()).collect(java.util.stream.Collectors.toList());
  }


  private static Request get(URI uri) {
    return new Request.Builder().url(uri.toString()).build();
  }

  private static RequestBody oneShot(byte[] bytes) {
    return new RequestBody() {
      @Override
      public MediaType contentType() {
        return JSON;
      }

      @Override
      public long contentLength() {
        return bytes.length;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        sink.write(bytes);
      }

      @Override
      public boolean isOneShot() {
        return true;
      }
    };
  }

  static CompletableFuture<Response> enqueue(Call call) {
    CompletableFuture<Response> result = new CompletableFuture<>();
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        result.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        result.complete(response);
      }
    });
    return result;
  }

  private static Throwable failureOf(CompletableFuture<Response> future) throws Exception {
    try {
      future.get(2, TimeUnit.SECONDS).close();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  interface Handler {
    void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
  }

  private static HttpServer server(Map<String, Map<String, List<String>>> seen, Handler handler) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.createContext("/", exchange -> {
      seen.put(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()));
      handler.handle(exchange);
    });
    s.start();
    return s;
  }

  /** A server answering every request with a 302 to {@code target}. */
  private static HttpServer redirector(Map<String, Map<String, List<String>>> seen, URI target) throws IOException {
    return server(seen, exchange -> {
      exchange.getResponseHeaders().add("Location", target.toString());
      reply(exchange, 302, "", false);
    });
  }

  private static URI originOf(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String body, boolean chunked)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static List<String> headerNames(Map<String, Map<String, List<String>>> seen, String path) {
    Map<String, List<String>> headers = seen.get(path);
    assertThat(headers).as("a request reached %s", path).isNotNull();
    return new ArrayList<>(headers.keySet());
  }
}
