package dev.silentrefresh.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A loopback API in the session's scope redirects to a second loopback origin (another port: another
 * origin) that records what it is sent. Whatever client configuration a user can build, the token never
 * reaches that origin: the configuration is refused, made safe, or the token is stripped on the redirect.
 */
class RedirectTest {

  /** An API origin in scope that redirects to {@code foreign}, and a signed-in session. */
  private static final class World implements AutoCloseable {
    final Loopback foreign = Loopback.recording();
    final Loopback api = Loopback.redirectingTo(foreign);
    final AuthServer server;
    final TokenSession session;
    final String tokenHeader;

    World(Profile profile) throws Exception {
      server = AuthServer.builder(profile).start();
      session = TokenSession.builder(server.dialect(), r -> { throw new AssertionError("no refresh expected"); })
          .scope(server.baseUri(), api.origin()).build();
      session.signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
      tokenHeader = session.dialect().tokenHeader();
    }

    URI go(String path) {
      return api.uri(path);
    }

    @Override
    public void close() {
      server.close();
      api.close();
      foreign.close();
    }
  }

  private static HttpClient followingJdkClient() {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.ALWAYS).build();
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"CODE_50014", "CODE_1002", "OAUTH2"})
  void restTemplateWithItsDefaultFactorySendsNoTokenAcrossARedirect(Profile profile) throws Exception {
    try (World w = new World(profile)) {
      assertThatThrownBy(() -> RestRefreshInterceptor.install(new RestTemplate(), w.session))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RestRefreshInterceptor.requestFactory(");
      RestTemplate bare = new RestTemplate();
      bare.getInterceptors().add(RestRefreshInterceptor.of(w.session));
      assertThat(catchThrowable(() -> bare.getForEntity(w.go("/bare"), String.class)))
          .hasStackTraceContaining("RestRefreshInterceptor.requestFactory(");
      assertThat(w.foreign.sawHeader("/bare", w.tokenHeader)).isFalse();

      RestTemplate safe = RestRefreshInterceptor.install(new RestTemplate(RestRefreshInterceptor.requestFactory()), w.session);
      assertThat(safe.getForEntity(w.go("/safe"), String.class).getStatusCode().value()).isEqualTo(302);
      assertThat(w.api.sawHeader("/safe", w.tokenHeader)).as("in scope: token sent").isTrue();
      assertThat(w.foreign.seen).doesNotContainKey("/safe");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"CODE_50014", "OAUTH2"})
  void restClientOverARedirectFollowingJdkClientSendsNoTokenAcrossARedirect(Profile profile) throws Exception {
    try (World w = new World(profile)) {
      assertThatThrownBy(() -> RestRefreshInterceptor.requestFactory(followingJdkClient()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Redirect.NEVER");
      assertThatThrownBy(() -> RestRefreshInterceptor.install(RestClient.builder(),
          new JdkClientHttpRequestFactory(followingJdkClient()), w.session))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RestRefreshInterceptor.requestFactory(");
      RestClient bare = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(followingJdkClient()))
          .requestInterceptor(RestRefreshInterceptor.of(w.session)).build();
      assertThat(catchThrowable(() -> bare.get().uri(w.go("/bare")).retrieve().toBodilessEntity()))
          .hasStackTraceContaining("RestRefreshInterceptor.requestFactory(");
      assertThat(w.foreign.sawHeader("/bare", w.tokenHeader)).isFalse();
      assertThat(w.foreign.sawHeader("/bare", "Authorization")).isFalse();

      RestClient safe = RestRefreshInterceptor.install(RestClient.builder(),
          RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient()), w.session).build();
      int status = safe.get().uri(w.go("/safe")).exchange((req, res) -> res.getStatusCode().value());
      assertThat(status).isEqualTo(302);
      assertThat(w.api.sawHeader("/safe", w.tokenHeader)).isTrue();
      assertThat(w.foreign.seen).doesNotContainKey("/safe");
    }
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"CODE_50014", "CODE_1002", "OAUTH2"})
  void webClientOnAFollowingReactorNettyClientStripsTheTokenOnARedirectToAnotherOrigin(Profile profile) throws Exception {
    try (World w = new World(profile)) {
      reactor.netty.http.client.HttpClient following = reactor.netty.http.client.HttpClient.create().followRedirect(true);
      WebClient client = WebClientRefreshFilter.install(WebClient.builder(), following, w.session).build();
      int status = client.get().uri(w.go("/follow"))
          .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value())).block(Duration.ofSeconds(10));
      assertThat(status).as("the redirect was followed").isEqualTo(200);
      assertThat(w.api.sawHeader("/follow", w.tokenHeader)).isTrue();
      assertThat(w.foreign.seen).containsKey("/follow");
      assertThat(w.foreign.sawHeader("/follow", w.tokenHeader)).isFalse();

      // a connector installed later, around the guard, is refused at the first request
      WebClient swapped = WebClientRefreshFilter.install(WebClient.builder(), following, w.session)
          .clientConnector(new ReactorClientHttpConnector(following)).build();
      assertThat(catchThrowable(() -> swapped.get().uri(w.go("/swapped")).retrieve().toBodilessEntity()
          .block(Duration.ofSeconds(10)))).hasStackTraceContaining("WebClientRefreshFilter.install(");
      assertThat(w.foreign.sawHeader("/swapped", w.tokenHeader)).isFalse();
    }
  }
}
