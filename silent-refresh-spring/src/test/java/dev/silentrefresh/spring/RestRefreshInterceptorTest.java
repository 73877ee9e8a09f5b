package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.InterceptingClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/** What is specific to RestClient/RestTemplate: request factories, the interceptor chain, redirects. */
class RestRefreshInterceptorTest {
  private static final byte[] ORDER = "{\"order\":42}".getBytes(StandardCharsets.UTF_8);

  /** A reference server and a session speaking its dialect; {@code alsoInScope} adds origins to the scope. */
  private static final class World implements AutoCloseable {
    final AuthServer server;
    final TokenSession session;

    World(Profile profile, URI... alsoInScope) {
      server = AuthServer.builder(profile).start();
      TokenSession.Builder b = TokenSession.builder(server.dialect(), RestRefreshTransport.of(jdkFactory()));
      if (alsoInScope.length > 0) b.scope(server.baseUri()).scope(alsoInScope);
      session = b.build();
    }

    World signedInExpired() throws IOException {
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      return this;
    }

    World signedIn() throws IOException {
      session.signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
      return this;
    }

    @Override
    public void close() {
      server.close();
    }
  }

  /** {@code "default"}: HttpURLConnection, as {@code new RestTemplate()} uses; {@code "jdk"}: java.net.http. */
  private static ClientHttpRequestFactory factory(String name) {
    return name.equals("default") ? RestRefreshInterceptor.requestFactory() : jdkFactory();
  }

  private static ClientHttpRequestFactory jdkFactory() {
    return RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());
  }

  private static RestTemplate restTemplate(ClientHttpRequestFactory factory, TokenSession session) {
    RestTemplate template = RestRefreshInterceptor.install(new RestTemplate(factory), session);
    template.setErrorHandler(new ResponseErrorHandler() {
      @Override
      public boolean hasError(ClientHttpResponse response) {
        return false;
      }
    });
    return template;
  }

  private static ClientHttpResponse post(ClientHttpRequestFactory factory, URI uri, String header, String value)
      throws IOException {
    ClientHttpRequest request = factory.createRequest(uri, HttpMethod.POST);
    request.getHeaders().set(header, value);
    request.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    request.getBody().write(ORDER);
    return request.execute();
  }

  // ---- HttpURLConnection in streaming mode and 401 ------------------------------------------------

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"OAUTH2", "PUT_BEARER"})
  void httpUrlConnectionInStreamingModeGivesA401WithoutItsBodyNotAnHttpRetryException(Profile profile) throws Exception {
    try (World w = new World(profile)) {
      String expired = w.server.issueExpiredTokens(w.server.username()).toTokensWithoutExpiry().accessToken();
      ClientHttpRequestFactory simple = factory("default");
      assertThat(simple).isInstanceOf(SimpleClientHttpRequestFactory.class);
      try (ClientHttpResponse reply = post(simple, w.server.apiUri("/api/echo"),
          w.session.dialect().tokenHeader(), w.session.dialect().tokenHeaderValue(expired))) {
        assertThat(reply.getStatusCode().value()).isEqualTo(401);
        assertThat(reply.getBody().readAllBytes()).as("HttpURLConnection dropped the 401's body").isEmpty();
      }
      try (ClientHttpResponse reply = post(factory("jdk"), w.server.apiUri("/api/echo"),
          w.session.dialect().tokenHeader(), w.session.dialect().tokenHeaderValue(expired))) {
        assertThat(reply.getStatusCode().value()).isEqualTo(401);
        assertThat(reply.getBody().readAllBytes()).isNotEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "jdk"})
  void aPostRejectedWith401IsReplayedWithEitherFactory(String factoryName) throws Exception {
    for (Profile profile : List.of(Profile.OAUTH2, Profile.PUT_BEARER)) {
      try (World w = new World(profile).signedInExpired()) {
        RestTemplate template = restTemplate(factory(factoryName), w.session);
        byte[] echoed = template.execute(w.server.apiUri("/api/echo"), HttpMethod.POST, request -> {
          request.getHeaders().setContentType(MediaType.APPLICATION_JSON);
          request.getBody().write(ORDER);
        }, response -> {
          assertThat(response.getStatusCode().value()).isEqualTo(200);
          return response.getBody().readAllBytes();
        });
        assertThat(echoed).as(profile.name()).isEqualTo(ORDER);
        assertThat(w.server.counters().rejectedRequests()).isEqualTo(1);
        assertThat(w.server.counters().apiRequests()).isEqualTo(2);
        assertThat(w.server.counters().refreshCalls()).isEqualTo(1);
      }
    }
  }

  // ---- the interceptor chain -------------------------------------------------------------------------

  @Test
  void interceptorsRegisteredBeforeItRunOnceAndWhatTheySetIsReplayed() throws Exception {
    try (World w = new World(Profile.OAUTH2).signedInExpired()) {
      byte[] rewritten = "{\"rewritten\":true}".getBytes(StandardCharsets.UTF_8);
      AtomicInteger before = new AtomicInteger();
      ClientHttpRequestInterceptor rewriter = (request, body, execution) -> {
        before.incrementAndGet();
        return execution.execute(request, rewritten);
      };
      RestClient client = RestClient.builder().requestFactory(jdkFactory())
          .requestInterceptor(rewriter)
          .requestInterceptor(RestRefreshInterceptor.of(w.session))
          .build();
      byte[] echoed = client.post().uri(w.server.apiUri("/api/echo")).contentType(MediaType.APPLICATION_JSON)
          .body(ORDER).retrieve().body(byte[].class);
      assertThat(echoed).isEqualTo(rewritten);
      assertThat(before).hasValue(1);
      assertThat(w.server.counters().apiRequests()).isEqualTo(2);
    }
  }

  // what runs on the replay, on each Spring line: InterceptorChainTest

  @Test
  void theCallersOwnTokenHeaderIsReplacedAndTheCallersHeadersAreLeftAlone() throws Exception {
    try (World w = new World(Profile.OAUTH2).signedInExpired()) {
      AtomicReference<String> seenByEarlier = new AtomicReference<>();
      ClientHttpRequestInterceptor earlier = (request, body, execution) -> {
        ClientHttpResponse response = execution.execute(request, body);
        seenByEarlier.set(request.getHeaders().getFirst("Authorization"));
        return response;
      };
      RestClient client = RestClient.builder().requestFactory(jdkFactory())
          .requestInterceptor(earlier)
          .requestInterceptor(RestRefreshInterceptor.of(w.session))
          .build();
      String me = client.get().uri(w.server.apiUri("/api/me")).header("authorization", "Bearer stale-caller-value")
          .retrieve().body(String.class);
      assertThat(me).contains("9223372036854775807");
      assertThat(seenByEarlier).hasValue("Bearer stale-caller-value");
    }
  }

  // ---- peeking at reply bodies ----------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"default", "jdk"})
  void aChunkedReplyLongerThanThePeekLimitReachesTheCallerIntact(String factoryName) throws Exception {
    byte[] big = Loopback.bigJson(200 * 1024);
    try (Loopback api = Loopback.chunkedJson(big); World w = new World(Profile.CODE_1002, api.origin()).signedIn()) {
      assertThat(SessionCalls.of(w.session).wantsBody(200, "application/json", -1)).as("a body-code dialect peeks at 200").isTrue();
      RestTemplate template = restTemplate(factory(factoryName), w.session);
      byte[] got = template.execute(api.uri("/big"), HttpMethod.GET, null, r -> r.getBody().readAllBytes());
      assertThat(got.length).isGreaterThan(64 * 1024);
      assertThat(got).isEqualTo(big);
      assertThat(api.sawHeader("/big", "Authorization")).isTrue();
    }
  }

  // ---- the refresh transport -------------------------------------------------------------------------

  @Test
  void theRefreshTransportRefusesAFactoryThatRunsInterceptors() throws Exception {
    try (World w = new World(Profile.OAUTH2)) {
      ClientHttpRequestFactory intercepting = new InterceptingClientHttpRequestFactory(
          new JdkClientHttpRequestFactory(), List.of(RestRefreshInterceptor.of(w.session)));
      assertThatThrownBy(() -> RestRefreshTransport.of(intercepting))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain factory");
    }
  }
}
