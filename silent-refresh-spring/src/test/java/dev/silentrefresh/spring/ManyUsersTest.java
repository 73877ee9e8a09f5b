package dev.silentrefresh.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

/**
 * Many users' sessions ({@link TokenSessions}) behind one client: each request goes through the session its key
 * names (a request attribute or Reactor Context entry, else the calling thread's key for RestClient/RestTemplate),
 * and a request naming none is sent nowhere. The many-threads proof is the conformance suite's MultiUserSuite.
 */
class ManyUsersTest {
  private static final ConnectionProvider CONNECTIONS = ConnectionProvider.builder("many-users-test").build();
  private static final reactor.netty.http.client.HttpClient NETTY = reactor.netty.http.client.HttpClient.create(CONNECTIONS);
  private static final ClientHttpRequestFactory FACTORY = RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());

  @AfterAll
  static void disposeConnections() {
    CONNECTIONS.dispose();
  }

  /** A reference server whose users alice, bob and carol are signed in with tokens it already considers expired. */
  private static final class World implements AutoCloseable {
    final AuthServer server = AuthServer.builder(Profile.CODE_50014).latency(Endpoint.REFRESH, Duration.ofMillis(100)).start();
    final Map<String, String> madeOn = new ConcurrentHashMap<>();
    final TokenSessions sessions;

    World(RefreshTransport transport) throws IOException {
      sessions = TokenSessions.builder(user -> {
        madeOn.put(user, Thread.currentThread().getName());
        return TokenSession.builder(server.dialect(), transport).build();
      }).build();
      for (String user : List.of("alice", "bob", "carol")) {
        sessions.get(user).signIn(server.issueExpiredTokens(user).toTokensWithoutExpiry());
      }
    }

    URI me() {
      return server.apiUri("/api/me");
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static String user(String name) {
    return "\"username\":\"" + name + "\"";
  }

  @Test
  void restClientUsesTheRequestAttributeElseTheCallingThreadsKey() throws Exception {
    try (World w = new World(RestRefreshTransport.of(FACTORY))) {
      RestClient client = RestRefreshInterceptor.install(RestClient.builder(), FACTORY, w.sessions).build();
      RestClient.RequestHeadersSpec<?> me = client.get().uri(w.me());
      assertThat(client.get().uri(w.me()).attribute(SessionKey.ATTRIBUTE, "alice").retrieve().body(String.class))
          .contains(user("alice"));
      assertThat(TokenSessions.callAs("bob", () -> client.get().uri(w.me()).retrieve().body(String.class)))
          .contains(user("bob"));
      assertThat(TokenSessions.callAs("bob", () -> client.get().uri(w.me()).attribute(SessionKey.ATTRIBUTE, "carol")
          .retrieve().body(String.class))).as("the attribute wins").contains(user("carol"));
      assertThat(w.server.counters().refreshCalls()).as("one per user").isEqualTo(3);

      long sent = w.server.counters().apiRequests();
      assertNoKey(catchThrowable(() -> me.retrieve().body(String.class)), ResourceAccessException.class);
      assertThat(catchThrowable(() -> client.get().uri(w.me()).attribute(SessionKey.ATTRIBUTE, 42).retrieve().body(String.class)))
          .isInstanceOf(ResourceAccessException.class).cause().hasMessageContaining("must be a String");
      assertNoSession(catchThrowable(() -> client.get().uri(w.me()).attribute(SessionKey.ATTRIBUTE, "dave")
          .retrieve().body(String.class)), ResourceAccessException.class);
      assertThat(w.server.counters().apiRequests()).as("nothing was sent for those").isEqualTo(sent);
    }
  }

  @Test
  void restTemplateUsesTheCallingThreadsKey() throws Exception {
    try (World w = new World(RestRefreshTransport.of(FACTORY))) {
      RestTemplate template = RestRefreshInterceptor.install(new RestTemplate(FACTORY), w.sessions);
      for (String name : List.of("alice", "bob", "alice")) {
        assertThat(TokenSessions.callAs(name, () -> template.getForObject(w.me(), String.class))).contains(user(name));
      }
      assertThat(w.server.counters().refreshCalls()).isEqualTo(2);
      long sent = w.server.counters().apiRequests();
      assertNoKey(catchThrowable(() -> template.getForObject(w.me(), String.class)), ResourceAccessException.class);
      assertNoSession(catchThrowable(() -> TokenSessions.callAs("dave", () -> template.getForObject(w.me(), String.class))),
          ResourceAccessException.class);
      assertThat(w.server.counters().apiRequests()).isEqualTo(sent);
    }
  }

  @Test
  void webClientUsesTheRequestAttributeElseTheReactorContextAndNeverTheThreadsKey() throws Exception {
    try (World w = new World(WebClientRefreshTransport.of(NETTY))) {
      WebClient client = WebClientRefreshFilter.install(WebClient.builder(), NETTY, w.sessions).build();
      Function<Mono<String>, String> block = mono -> mono.block(Duration.ofSeconds(10));
      assertThat(block.apply(client.get().uri(w.me()).attribute(SessionKey.ATTRIBUTE, "alice").retrieve().bodyToMono(String.class)))
          .contains(user("alice"));
      assertThat(block.apply(client.get().uri(w.me()).retrieve().bodyToMono(String.class)
          .contextWrite(Context.of(SessionKey.ATTRIBUTE, "bob")))).contains(user("bob"));
      assertThat(block.apply(client.get().uri(w.me()).attribute(SessionKey.ATTRIBUTE, "carol").retrieve()
          .bodyToMono(String.class).contextWrite(Context.of(SessionKey.ATTRIBUTE, "bob")))).as("the attribute wins")
          .contains(user("carol"));
      assertThat(w.server.counters().refreshCalls()).isEqualTo(3);

      long sent = w.server.counters().apiRequests();
      Mono<String> noKey = client.get().uri(w.me()).retrieve().bodyToMono(String.class);
      assertNoKey(catchThrowable(() -> block.apply(noKey)), WebClientRequestException.class);
      assertNoKey(catchThrowable(() -> TokenSessions.callAs("alice", () -> block.apply(noKey))), WebClientRequestException.class);
      assertNoSession(catchThrowable(() -> block.apply(client.get().uri(w.me()).attribute(SessionKey.ATTRIBUTE, "dave")
          .retrieve().bodyToMono(String.class))), WebClientRequestException.class);
      assertThat(w.server.counters().apiRequests()).as("nothing was sent for those").isEqualTo(sent);
      assertThat(w.madeOn.get("dave")).as("a key's first session is made off the caller's thread and event loops")
          .startsWith("boundedElastic");
    }
  }

  /** alice's session's scope has the redirect's target, bob's has not: each redirect is judged by its own request's session. */
  @Test
  void webClientKeepsOrDropsTheTokenOnARedirectByTheScopeOfTheRequestsOwnSession() throws Exception {
    try (Loopback foreign = Loopback.recording(); Loopback api = Loopback.redirectingTo(foreign);
        AuthServer server = AuthServer.builder(Profile.CODE_50014).start()) {
      TokenSessions sessions = TokenSessions.builder(user -> TokenSession.builder(server.dialect(), WebClientRefreshTransport.of(NETTY))
          .scope(user.equals("alice") ? new URI[] {api.origin(), foreign.origin()} : new URI[] {api.origin()}).build()).build();
      Tokens alice = server.issueTokens("alice").toTokensWithoutExpiry();
      sessions.get("alice").signIn(alice);
      sessions.get("bob").signIn(server.issueTokens("bob").toTokensWithoutExpiry());
      WebClient client = WebClientRefreshFilter.install(WebClient.builder(), NETTY.followRedirect(true), sessions).build();
      for (String name : List.of("bob", "alice", "bob2")) {
        String key = name.startsWith("bob") ? "bob" : name;
        int status = client.get().uri(api.uri("/" + name)).attribute(SessionKey.ATTRIBUTE, key)
            .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block(Duration.ofSeconds(10));
        assertThat(status).as("the redirect was followed").isEqualTo(200);
      }
      String header = server.dialect().tokenHeader();
      assertThat(api.sawHeader("/bob", header)).as("in bob's scope").isTrue();
      assertThat(foreign.seen.get("/alice")).as("in alice's scope: her token")
          .hasEntrySatisfying(foreignName(foreign, "/alice", header), v -> assertThat(v).containsExactly(alice.accessToken()));
      assertThat(foreign.sawHeader("/bob", header)).as("out of bob's scope").isFalse();
      assertThat(foreign.sawHeader("/bob2", header)).isFalse();
    }
  }

  /** The name {@code header} has (in the server's spelling) among the headers {@code path} was sent with. */
  private static String foreignName(Loopback server, String path, String header) {
    return server.seen.get(path).keySet().stream().filter(header::equalsIgnoreCase).findFirst().orElse(header);
  }

  private static void assertNoKey(Throwable failure, Class<? extends RuntimeException> type) {
    assertThat(failure).isInstanceOf(type).cause().isInstanceOf(IOException.class)
        .isNotInstanceOf(LoginRequiredException.class).hasMessageContaining("names no session key");
  }

  private static void assertNoSession(Throwable failure, Class<? extends RuntimeException> type) {
    assertThat(failure).isInstanceOf(type).cause().isInstanceOfSatisfying(LoginRequiredException.class,
        e -> assertThat(e.reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION));
  }
}
