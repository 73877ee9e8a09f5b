package dev.silentrefresh.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.resources.ConnectionProvider;

/**
 * Streamed JSON replies (chunked, no length) under a dialect that peeks at 200 bodies: the peek reads only as
 * far as the signal needs, for at most bodyPeekTimeout, and the caller gets the rest as it arrives.
 */
class StreamingReplyTest {
  private static final String OK_LINE = "{\"code\":0,\"n\":1}";

  /**
   * Runs each blocking caller on a daemon thread of its own, never on the common pool. {@code java.net.http}
   * completes a {@code sendAsync} future (the refresh {@code JdkClientHttpRequest} waits for) through
   * CompletableFuture's default executor: on JDK 17, with one common-pool worker (a 2-core machine), a new thread
   * per task; on JDK 25 the common pool itself. A caller parked on that one worker in {@code Mono.block()} (not a
   * managed block, so no spare worker is added) would starve its own refresh until the refresh timed out.
   */
  private static final Executor CALLER_THREADS = task -> {
    Thread t = new Thread(task, "streaming-test-caller");
    t.setDaemon(true);
    t.start();
  };

  /** A reference server, a streaming API origin in scope, and a session with a short peek timeout. */
  private static final class World implements AutoCloseable {
    final AuthServer server = AuthServer.builder(Profile.CODE_1002).start();
    final Loopback api;
    final TokenSession session;
    final Tokens expired;
    final ClientHttpRequestFactory factory;

    World(String... head) throws IOException {
      this(false, head);
    }

    /** {@code rejectionStreamsOn}: the stream that carries the rejection stays open too (until closed). */
    World(boolean rejectionStreamsOn, String... head) throws IOException {
      expired = server.issueExpiredTokens(server.username()).toTokensWithoutExpiry();
      api = Loopback.streamingJsonLines(expired.accessToken(), "{\"code\":1002,\"message\":\"token expired\"}",
          rejectionStreamsOn, head);
      factory = RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());
      session = TokenSession.builder(server.dialect(), RestRefreshTransport.of(factory))
          .scope(server.baseUri(), api.origin()).bodyPeekTimeout(Duration.ofMillis(200)).build();
    }

    @Override
    public void close() {
      api.close();
      server.close();
    }
  }

  /** Reads {@code lines} lines of a GET to {@code uri}, counting down {@code replied} once the reply is in hand. */
  interface LineReader {
    List<String> read(World w, URI uri, int lines, CountDownLatch replied) throws Exception;
  }

  static Stream<Arguments> clients() {
    LineReader restTemplate = (w, uri, lines, replied) -> {
      // java.net.http: HttpURLConnection drains an endless body on close
      RestTemplate template = RestRefreshInterceptor.install(new RestTemplate(w.factory), w.session);
      return template.execute(uri, HttpMethod.GET, null, response -> {
        replied.countDown();
        BufferedReader reader = new BufferedReader(new InputStreamReader(response.getBody(), StandardCharsets.UTF_8));
        List<String> got = new ArrayList<>();
        for (int i = 0; i < lines; i++) got.add(reader.readLine());
        if (lines > 0) w.api.endStreams(); // read while the server streamed; Spring drains the body on close
        return got;
      });
    };
    LineReader webClient = (w, uri, lines, replied) ->
        readLines(WebClientRefreshFilter.install(WebClient.builder(), reactor.netty.http.client.HttpClient.create(),
            w.session).build(), uri, lines, replied);
    return Stream.of(Arguments.of("resttemplate", restTemplate), Arguments.of("webclient", webClient));
  }

  /** Reads the first {@code lines} lines of a GET with {@code client}, then stops reading (the stream may go on). */
  private static List<String> readLines(WebClient client, URI uri, int lines, CountDownLatch replied) {
    return client.get().uri(uri).exchangeToMono(response -> {
          replied.countDown();
          return response.bodyToFlux(DataBuffer.class)
              .map(buffer -> {
                String text = buffer.toString(StandardCharsets.UTF_8);
                DataBufferUtils.release(buffer);
                return text;
              })
              .scan("", String::concat)
              .filter(text -> text.split("\n", -1).length > lines)
              .next()
              .map(text -> List.of(text.split("\n")).subList(0, lines));
        })
        .block(Duration.ofSeconds(20));
  }

  private static List<String> within(LineReader reader, World w, URI uri, int lines, CountDownLatch replied)
      throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return reader.read(w, uri, lines, replied);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, CALLER_THREADS).get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void theCallerReadsTheFirstLinesWhileTheServerStillStreams(String name, LineReader reader) throws Exception {
    try (World w = new World(OK_LINE, OK_LINE)) {
      w.session.signIn(w.server.issueTokens(w.server.username()).toTokensWithoutExpiry());
      assertThat(within(reader, w, w.api.uri("/stream"), 2, new CountDownLatch(1))).containsExactly(OK_LINE, OK_LINE);
      assertThat(w.server.counters().refreshCalls()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void aFirstChunkThatStallsPastThePeekTimeoutStillReachesTheCaller(String name, LineReader reader) throws Exception {
    try (World w = new World()) { // headers, then nothing until closed
      w.session.signIn(w.server.issueTokens(w.server.username()).toTokensWithoutExpiry());
      CountDownLatch replied = new CountDownLatch(1);
      CompletableFuture<List<String>> lines = CompletableFuture.supplyAsync(() -> {
        try {
          return reader.read(w, w.api.uri("/stall"), 0, replied);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, CALLER_THREADS);
      assertThat(replied.await(20, TimeUnit.SECONDS)).as("the reply reached the caller before its body").isTrue();
      w.api.close(); // ends the stream
      lines.handle((v, e) -> null).get(20, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void aRejectionInTheFirstStreamedValueIsRefreshedAndReplayed(String name, LineReader reader) throws Exception {
    try (World w = new World(OK_LINE)) {
      w.session.signIn(w.expired);
      assertThat(within(reader, w, w.api.uri("/expired"), 1, new CountDownLatch(1))).containsExactly(OK_LINE);
      assertThat(w.server.counters().refreshSucceeded()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void aRejectionWhoseStreamGoesOnIsLetGoAndReplayed(String name, LineReader reader) throws Exception {
    try (World w = new World(true, OK_LINE)) { // the rejected reply never ends: it must be cut, not read to its end
      w.session.signIn(w.expired);
      assertThat(within(reader, w, w.api.uri("/expired"), 1, new CountDownLatch(1))).containsExactly(OK_LINE);
      assertThat(w.server.counters().refreshSucceeded()).isEqualTo(1);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void theCallerMayStopReadingWithinTheBytesReadAhead(String name, LineReader reader) throws Exception {
    try (World w = new World(OK_LINE, OK_LINE)) { // the first value alone ends the peek: the caller stops there
      w.session.signIn(w.server.issueTokens(w.server.username()).toTokensWithoutExpiry());
      assertThat(within(reader, w, w.api.uri("/stream"), 1, new CountDownLatch(1))).containsExactly(OK_LINE);
    }
  }

  /**
   * The rejected reply streams on without end. With one connection in the pool, the replay can only go out
   * once the rejected reply's connection is let go: its stream must be cancelled, not read to an end.
   */
  @Test
  void webClientLetsGoOfARejectedEndlessStreamBeforeTheReplay() throws Exception {
    try (World w = new World(true, OK_LINE)) {
      w.session.signIn(w.expired);
      ConnectionProvider oneConnection = ConnectionProvider.builder("one").maxConnections(1)
          .pendingAcquireTimeout(Duration.ofSeconds(30)).build();
      try {
        WebClient client = WebClientRefreshFilter.install(WebClient.builder(),
            reactor.netty.http.client.HttpClient.create(oneConnection), w.session).build();
        List<String> got = CompletableFuture.supplyAsync(() -> readLines(client, w.api.uri("/expired"), 1,
            new CountDownLatch(1)), CALLER_THREADS).get(20, TimeUnit.SECONDS);
        assertThat(got).containsExactly(OK_LINE);
        assertThat(w.server.counters().refreshSucceeded()).isEqualTo(1);
      } finally {
        oneConnection.dispose();
      }
    }
  }
}
