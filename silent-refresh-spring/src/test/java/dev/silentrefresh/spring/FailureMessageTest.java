package dev.silentrefresh.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientException;

/**
 * What a caller of each Spring client catches when the session cannot serve a call, and that the reason's
 * message appears once in the printed trace (the wrapper names the request, the cause says why).
 */
class FailureMessageTest {

  /** Sends GET {@code uri} through a client with the session's interceptor or filter; throws what the caller sees. */
  interface Call {
    void get(AuthServer server, TokenSession session, URI uri) throws Exception;
  }

  static Stream<Arguments> clients() {
    Call restTemplate = (server, session, uri) -> {
      JdkClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());
      RestRefreshInterceptor.install(new RestTemplate(factory), session).getForObject(uri, String.class);
    };
    Call restClient = (server, session, uri) -> {
      JdkClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());
      RestRefreshInterceptor.install(RestClient.builder(), factory, session).build()
          .get().uri(uri).retrieve().body(String.class);
    };
    Call webClient = (server, session, uri) ->
        WebClientRefreshFilter.install(WebClient.builder(), reactor.netty.http.client.HttpClient.create(), session)
            .build().get().uri(uri).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20));
    return Stream.of(Arguments.of("resttemplate", restTemplate), Arguments.of("restclient", restClient),
        Arguments.of("webclient", webClient));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void withNoSessionTheCallerCatchesASpringExceptionCausedByLoginRequired(String name, Call call) throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      TokenSession session = TokenSession.builder(server.dialect(), RestRefreshTransport.of(
          RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient()))).build();
      Throwable caught = catchThrowable(() -> call.get(server, session, server.apiUri("/api/me?q=1")));
      assertThat(assertReasonNotRepeated(name, caught, LoginRequiredException.class)).as("printed once").isEqualTo(1);
      assertThat(server.counters().apiRequests()).as("nothing is sent without a session").isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("clients")
  void whenTheRefreshFailsTheCallerCatchesASpringExceptionCausedByRefreshFailed(String name, Call call)
      throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).start()) {
      TokenSession session = TokenSession.builder(server.dialect(), RestRefreshTransport.of(
          RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient()))).build();
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      server.faults().failNext(Endpoint.REFRESH, Faults.Fault.SERVER_ERROR, 100);
      Throwable caught = catchThrowable(() -> call.get(server, session, server.apiUri("/api/me")));
      assertThat(assertReasonNotRepeated(name, caught, RefreshFailedException.class)).as("printed once").isEqualTo(1);
    }
  }

  /**
   * The caller's exception is the client's own kind and the reason its direct cause; the wrapper adds no copy
   * of the reason's message to the printed trace. Returns how often the trace prints it (core's own exception
   * does not repeat it: a waiter's copy of a shared refresh failure carries the shared cause, not the shared copy).
   */
  private static int assertReasonNotRepeated(String client, Throwable caught, Class<? extends IOException> reasonType) {
    assertThat(caught).as("what the caller catches")
        .isInstanceOf(client.equals("webclient") ? WebClientException.class : ResourceAccessException.class)
        .isInstanceOf(client.equals("webclient") ? WebClientException.class : RestClientException.class);
    assertThat(caught.getCause()).as("the reason").isInstanceOf(reasonType);
    String reason = caught.getCause().getMessage();
    assertThat(reason).isNotBlank();
    String printed = printed(caught);
    assertThat(caught.getMessage()).as("the wrapper names the request, without its query").contains("/api/me")
        .doesNotContain("q=1").doesNotContain(reason);
    int times = occurrences(printed, reason);
    assertThat(times).as("the reason in:\n" + printed).isEqualTo(occurrences(printed(caught.getCause()), reason));
    return times;
  }

  private static String printed(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  private static int occurrences(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) n++;
    return n;
  }
}
