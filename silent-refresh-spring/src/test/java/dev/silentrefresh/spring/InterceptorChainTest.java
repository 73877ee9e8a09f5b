package dev.silentrefresh.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * What runs on the replay, on the Spring Framework line the tests run on (6.2, and 7.0 in the "spring7"
 * execution). One call whose token has expired: the first attempt is rejected, one refresh, one replay.
 *
 * <ul>
 *   <li>Interceptors (filters) registered <b>before</b> ours run once per call, and what they set is replayed:
 *       both lines, all three clients.
 *   <li>Interceptors registered <b>after</b> ours (RestClient, RestTemplate) run on every attempt on 7.0 (its
 *       {@code ClientHttpRequestExecution} runs the rest of the chain each time it is executed) and on the first
 *       attempt only on 6.2 (one iterator over the chain per request: the replay goes straight to the request
 *       factory). On both lines they never see the token: the request factory sets it.
 *   <li>WebClient filters after ours run on every attempt on both lines (filters are composed functions).
 * </ul>
 */
class InterceptorChainTest {
  private static final ConnectionProvider CONNECTIONS = ConnectionProvider.builder("chain-test").build();
  private static final reactor.netty.http.client.HttpClient NETTY = reactor.netty.http.client.HttpClient.create(CONNECTIONS);

  @AfterAll
  static void disposeConnections() {
    CONNECTIONS.dispose();
  }

  /** A reference server, and a session speaking its dialect signed in with an expired access token. */
  private static final class World implements AutoCloseable {
    final AuthServer server = AuthServer.builder(Profile.OAUTH2).start();
    final ClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());
    final TokenSession restSession = signedInExpired(TokenSession.builder(server.dialect(), RestRefreshTransport.of(factory)).build());
    final TokenSession webSession = signedInExpired(TokenSession.builder(server.dialect(), WebClientRefreshTransport.of(NETTY)).build());

    private TokenSession signedInExpired(TokenSession session) {
      try {
        session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return session;
    }

    URI me() {
      return server.apiUri("/api/me");
    }

    /** One expiry was met: two API requests (the rejected one and the replay), one refresh. */
    void assertOneRefreshAndOneReplay() {
      assertThat(server.counters().apiRequests()).isEqualTo(2);
      assertThat(server.counters().rejectedRequests()).isEqualTo(1);
      assertThat(server.counters().refreshCalls()).isEqualTo(1);
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** Runs of an interceptor: what it saw of the caller's header and of the token header on each. */
  private static final class Seen {
    final List<String> traceIds = new CopyOnWriteArrayList<>();
    final List<String> tokens = new CopyOnWriteArrayList<>();

    ClientHttpRequestInterceptor interceptor() {
      return (request, body, execution) -> {
        record(request.getHeaders());
        return execution.execute(request, body);
      };
    }

    ExchangeFilterFunction filter() {
      return (request, next) -> {
        record(request.headers());
        return next.exchange(request);
      };
    }

    private void record(HttpHeaders headers) {
      traceIds.add(String.valueOf(headers.getFirst("X-Trace")));
      tokens.add(String.valueOf(headers.getFirst(HttpHeaders.AUTHORIZATION)));
    }

    int runs() {
      return traceIds.size();
    }
  }

  /** Sets X-Trace: a header set before ours, which the replay must carry. */
  private static ClientHttpRequestInterceptor tracing(AtomicInteger runs) {
    return (request, body, execution) -> {
      runs.incrementAndGet();
      request.getHeaders().set("X-Trace", "t-1");
      return execution.execute(request, body);
    };
  }

  /** How many times an interceptor registered after ours runs for a call that is refreshed and replayed once. */
  private static int expectedRunsAfterOurs() {
    return SpringLine.isSeven() ? 2 : 1;
  }

  @Test
  void restClientInterceptorsBeforeOursRunOnceAndThoseAfterRunPerAttemptOn7AndOnceOn62() {
    try (World w = new World()) {
      AtomicInteger before = new AtomicInteger();
      Seen after = new Seen();
      RestClient client = RestRefreshInterceptor.install(RestClient.builder().requestInterceptor(tracing(before)),
          w.factory, w.restSession).requestInterceptor(after.interceptor()).build();

      assertThat(client.get().uri(w.me()).retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(200);

      w.assertOneRefreshAndOneReplay();
      assertThat(before).as("before ours, on Spring " + SpringLine.version()).hasValue(1);
      assertThat(after.runs()).as("after ours, on Spring " + SpringLine.version()).isEqualTo(expectedRunsAfterOurs());
      assertThat(after.traceIds).as("what was set before ours is on every attempt").containsOnly("t-1");
      assertThat(after.tokens).as("the token is set by the request factory, after every interceptor").containsOnly("null");
    }
  }

  @Test
  void restTemplateInterceptorsBeforeOursRunOnceAndThoseAfterRunPerAttemptOn7AndOnceOn62() {
    try (World w = new World()) {
      AtomicInteger before = new AtomicInteger();
      Seen after = new Seen();
      RestTemplate template = new RestTemplate(w.factory);
      template.getInterceptors().add(tracing(before));
      RestRefreshInterceptor.install(template, w.restSession);
      template.getInterceptors().add(after.interceptor());

      int status = template.execute(w.me(), HttpMethod.GET, null, r -> r.getStatusCode().value());

      assertThat(status).isEqualTo(200);
      w.assertOneRefreshAndOneReplay();
      assertThat(before).as("before ours, on Spring " + SpringLine.version()).hasValue(1);
      assertThat(after.runs()).as("after ours, on Spring " + SpringLine.version()).isEqualTo(expectedRunsAfterOurs());
      assertThat(after.traceIds).containsOnly("t-1");
      assertThat(after.tokens).containsOnly("null");
    }
  }

  @Test
  void webClientFiltersBeforeOursRunOnceAndThoseAfterRunOnEveryAttemptOnBothLines() {
    try (World w = new World()) {
      AtomicInteger before = new AtomicInteger();
      Seen after = new Seen();
      ExchangeFilterFunction tracing = (request, next) -> {
        before.incrementAndGet();
        return next.exchange(org.springframework.web.reactive.function.client.ClientRequest.from(request)
            .header("X-Trace", "t-1").build());
      };
      WebClient client = WebClientRefreshFilter.install(WebClient.builder().filter(tracing), NETTY, w.webSession)
          .filter(after.filter()).build();

      Integer status = client.get().uri(w.me())
          .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block();

      assertThat(status).isEqualTo(200);
      w.assertOneRefreshAndOneReplay();
      assertThat(before).hasValue(1);
      assertThat(after.runs()).as("after ours, on Spring " + SpringLine.version()).isEqualTo(2);
      assertThat(after.traceIds).containsOnly("t-1");
      assertThat(after.tokens).as("the token is set by the connector, after every filter").containsOnly("null");
    }
  }
}
