package dev.silentrefresh.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.LoginHandler;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A Boot application configured by properties alone, against the reference server over loopback: the sessions,
 * the clients they are installed on, sign-in, refresh once per expiry, meters and health.
 */
class StarterTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  private AuthServer server(Profile profile) {
    return open(AuthServer.builder(profile).rotation(true).reuseDetection(true).grace(java.time.Duration.ZERO).start());
  }

  private AuthServer open(AuthServer server) {
    open.add(server);
    return server;
  }

  private ConfigurableApplicationContext app(Class<?> config, String... properties) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(config)
        .web(WebApplicationType.NONE).properties("spring.main.banner-mode=off").properties(properties).run();
    open.add(context);
    return context;
  }

  private static String[] oauth2Session(AuthServer server, String... more) {
    List<String> p = new ArrayList<>(List.of(
        "silent-refresh.sessions.api.dialect=oauth2",
        "silent-refresh.sessions.api.refresh-url=" + server.refreshUri(),
        "silent-refresh.sessions.api.client-id=" + server.clientId(),
        "silent-refresh.sessions.api.scope=" + server.baseUri(),
        "silent-refresh.sessions.api.login.grant=password",
        "silent-refresh.sessions.api.login.username=" + server.username(),
        "silent-refresh.sessions.api.login.password=" + server.password()));
    p.addAll(List.of(more));
    return p.toArray(new String[0]);
  }

  /** Runs {@code calls} at once on {@code threads} threads; returns how many failed. */
  private static int concurrently(int threads, int calls, Callable<?> call) throws Exception {
    return Opened.failures(threads, java.util.Collections.nCopies(calls, call));
  }

  @Test
  void restClientFromPropertiesSignsInOnceAndRefreshesOncePerExpiryUnderConcurrentCalls() throws Exception {
    AuthServer server = server(Profile.OAUTH2);
    ConfigurableApplicationContext context = app(App.class, oauth2Session(server, "silent-refresh.clients.rest-client=api"));
    RestClient client = context.getBean(RestClient.Builder.class).build();
    String me = server.apiUri("/api/me").toString();

    assertThat(concurrently(16, 64, () -> client.get().uri(me).retrieve().body(String.class))).isZero();
    assertThat(server.counters().loginCalls()).isEqualTo(1);
    assertThat(server.counters().refreshCalls()).isZero();

    for (int expiry = 1; expiry <= 5; expiry++) {
      server.expireAccessTokens();
      assertThat(concurrently(16, 64, () -> client.get().uri(me).retrieve().body(String.class))).isZero();
      assertThat(server.counters().refreshCalls()).isEqualTo(expiry);
    }
    assertThat(server.counters().reuseDetected()).isZero();
    assertThat(server.counters().loginCalls()).isEqualTo(1);
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class AppWithItsOwnInterceptor {
    static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    @Bean
    org.springframework.boot.restclient.RestClientCustomizer tracing() {
      return builder -> builder.requestInterceptor((request, body, execution) -> {
        RUNS.incrementAndGet();
        request.getHeaders().set("X-Trace", "t-1");
        return execution.execute(request, body);
      });
    }
  }

  @Test
  void theSessionsInterceptorComesAfterTheApplicationsSoTheirsRunOncePerCallAndIsReplayed() throws Exception {
    AuthServer server = server(Profile.OAUTH2);
    ConfigurableApplicationContext context = app(AppWithItsOwnInterceptor.class,
        oauth2Session(server, "silent-refresh.clients.rest-client=api"));
    RestClient client = context.getBean(RestClient.Builder.class).build();
    String me = server.apiUri("/api/me").toString();
    client.get().uri(me).retrieve().body(String.class);
    server.expireAccessTokens();
    AppWithItsOwnInterceptor.RUNS.set(0);
    assertThat(concurrently(8, 20, () -> client.get().uri(me).retrieve().body(String.class))).isZero();
    assertThat(server.counters().rejectedRequests()).isPositive(); // replays happened
    assertThat(AppWithItsOwnInterceptor.RUNS.get()).isEqualTo(20); // once per call, not per attempt
  }

  @Test
  void restTemplateAndWebClientFromPropertiesShareTheSessionsSingleFlight() throws Exception {
    AuthServer server = server(Profile.OAUTH2);
    ConfigurableApplicationContext context = app(App.class, oauth2Session(server,
        "silent-refresh.clients.rest-template=api", "silent-refresh.clients.web-client=api"));
    RestTemplate template = context.getBean(RestTemplateBuilder.class).build();
    WebClient web = context.getBean(WebClient.Builder.class).build();
    String me = server.apiUri("/api/me").toString();
    assertThat(template.getForObject(me, String.class)).isNotNull();

    server.expireAccessTokens();
    List<CompletableFuture<String>> async = new ArrayList<>();
    for (int i = 0; i < 200; i++) async.add(web.get().uri(me).retrieve().bodyToMono(String.class).toFuture());
    int failed = concurrently(8, 32, () -> template.getForObject(me, String.class));
    CompletableFuture.allOf(async.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);

    assertThat(failed).isZero();
    assertThat(server.counters().refreshCalls()).isEqualTo(1);
    assertThat(server.counters().loginCalls()).isEqualTo(1);
    assertThat(server.counters().reuseDetected()).isZero();
  }

  @Test
  void aConfidentialClientSignsInWithClientCredentialsAndRefreshesWithBasicOrPostAuthentication() throws Exception {
    for (String authentication : List.of("client-secret-basic", "client-secret-post")) {
      AuthServer server = open(AuthServer.builder(Profile.OAUTH2).clientSecret("top secret:+&").rotation(true)
          .reuseDetection(true).grace(java.time.Duration.ZERO).start());
      String p = "silent-refresh.sessions.svc.";
      ConfigurableApplicationContext context = app(App.class,
          p + "refresh-url=" + server.refreshUri(),
          p + "client-id=" + server.clientId(),
          p + "client-secret=" + server.clientSecret(),
          p + "client-authentication=" + authentication,
          p + "scope=" + server.baseUri(),
          p + "login.grant=client-credentials",
          p + "login.scope=read write",
          "silent-refresh.clients.rest-client=svc");
      RestClient client = context.getBean(RestClient.Builder.class).build();
      String me = server.apiUri("/api/me").toString();
      assertThat(concurrently(8, 32, () -> client.get().uri(me).retrieve().body(String.class))).isZero();
      server.expireAccessTokens();
      assertThat(concurrently(8, 32, () -> client.get().uri(me).retrieve().body(String.class))).isZero();
      assertThat(server.counters().loginCalls()).as(authentication).isEqualTo(1);
      assertThat(server.counters().refreshSucceeded()).as(authentication).isEqualTo(1);

      server.revokeAllRefreshTokens(); // the refresh token dies: the client signs in again by itself
      server.expireAccessTokens();
      assertThat(concurrently(8, 32, () -> client.get().uri(me).retrieve().body(String.class))).isZero();
      assertThat(server.counters().loginCalls()).as(authentication).isEqualTo(2);
    }
  }

  @Test
  void aWrongClientSecretFailsTheCallWithTheReasonAndNoSecret() throws Exception {
    AuthServer server = open(AuthServer.builder(Profile.OAUTH2).clientSecret("right").start());
    String p = "silent-refresh.sessions.svc.";
    ConfigurableApplicationContext context = app(App.class, p + "refresh-url=" + server.refreshUri(),
        p + "client-id=" + server.clientId(), p + "client-secret=wrong-secret-value", p + "scope=" + server.baseUri(),
        p + "login.grant=client-credentials", p + "login-timeout=5s", "silent-refresh.clients.rest-client=svc");
    RestClient client = context.getBean(RestClient.Builder.class).build();
    Throwable failure = org.assertj.core.api.Assertions.catchThrowable(() ->
        client.get().uri(server.apiUri("/api/me")).retrieve().body(String.class));
    assertThat(failure).isInstanceOf(org.springframework.web.client.ResourceAccessException.class);
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) all.append(t).append('\n');
    assertThat(all).contains("LoginRequiredException").doesNotContain("wrong-secret-value");
    assertThat(server.counters().apiRequests()).isZero(); // nothing sent without a session
  }

  @Test
  void aWholeCustomDialectFromPropertiesTalksToABodyCodeBackend() throws Exception {
    AuthServer server = server(Profile.CODE_50014);
    String p = "silent-refresh.sessions.admin.";
    ConfigurableApplicationContext context = app(App.class,
        p + "dialect=custom",
        p + "scope=" + server.baseUri(),
        p + "custom.token-header=X-Token",
        p + "custom.token-prefix=",
        p + "custom.access-token-rejected[0].body-pointer=/code",
        p + "custom.access-token-rejected[0].body-values=50014",
        p + "custom.session-ended[0].body-pointer=/code",
        p + "custom.session-ended[0].body-values=50008,50012",
        p + "custom.refresh.method=POST",
        p + "custom.refresh.url=" + server.refreshUri() + "{refreshToken}",
        p + "custom.reply.access-token=/data/token",
        p + "custom.reply.refresh-token=/data/refreshToken",
        p + "custom.refresh-token-dead[0].body-pointer=/code",
        p + "custom.refresh-token-dead[0].body-values=10007",
        p + "login.grant=request",
        p + "login.url=" + server.loginUri(),
        p + "login.fields.username=" + server.username(),
        p + "login.fields.password=" + server.password(),
        "silent-refresh.clients.rest-client=admin");
    RestClient client = context.getBean(RestClient.Builder.class).build();
    String me = server.apiUri("/api/me").toString();

    assertThat(client.get().uri(me).retrieve().body(String.class)).startsWith("{\"code\":0,\"data\":");
    server.expireAccessTokens();
    assertThat(concurrently(16, 64, () -> client.get().uri(me).retrieve().body(String.class))).isZero();
    assertThat(server.counters().refreshCalls()).isEqualTo(1);
    assertThat(server.counters().rejectedRequests()).isPositive();
    assertThat(server.counters().reuseDetected()).isZero();
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @org.springframework.context.annotation.Import(Qualified.class)
  static class AppWithMetersAndALoginBean {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    LoginHandler reportsLogin() {
      return reason -> CompletableFuture.completedFuture(LoginBeanTokens.next);
    }
  }

  static final class LoginBeanTokens {
    static volatile Tokens next;
  }

  @Test
  void namedSessionsAreQualifiedBeansWithMetersHealthAndALoginHandlerBean(@TempDir Path dir) throws Exception {
    AuthServer github = server(Profile.OAUTH2);
    AuthServer reports = server(Profile.OAUTH2);
    LoginBeanTokens.next = reports.issueTokens(reports.username()).toTokensWithoutExpiry();
    Path file = dir.resolve("reports.json");
    String r = "silent-refresh.sessions.reports.";
    List<String> props = new ArrayList<>(List.of(oauth2Session(github)));
    props.replaceAll(s -> s.replace("sessions.api.", "sessions.github."));
    props.addAll(List.of(r + "refresh-url=" + reports.refreshUri(), r + "client-id=" + reports.clientId(),
        r + "scope=" + reports.baseUri(), r + "login.handler=reportsLogin", r + "store.type=file", r + "store.path=" + file));
    ConfigurableApplicationContext context = app(AppWithMetersAndALoginBean.class, props.toArray(new String[0]));

    SilentRefreshSessions sessions = context.getBean(SilentRefreshSessions.class);
    assertThat(sessions.names()).containsExactly("github", "reports");
    TokenSession githubSession = context.getBean(Qualified.class).github;
    assertThat(githubSession).isSameAs(sessions.get("github"));
    assertThat(context.getBean(Qualified.class).reports).isSameAs(sessions.get("reports"));

    CompositeHealthContributor health = (CompositeHealthContributor) context.getBean("silentRefreshHealthContributor");
    assertThat(((HealthIndicator) health.getContributor("github")).health().getStatus()).isEqualTo(Status.UNKNOWN);

    RestClient githubClient = sessions.install("github", RestClient.builder()).build();
    RestClient reportsClient = sessions.install("reports", RestClient.builder()).build();
    githubClient.get().uri(github.apiUri("/api/me")).retrieve().body(String.class);
    reportsClient.get().uri(reports.apiUri("/api/me")).retrieve().body(String.class);
    github.expireAccessTokens();
    reports.expireAccessTokens();
    assertThat(concurrently(8, 32, () -> githubClient.get().uri(github.apiUri("/api/me")).retrieve().body(String.class))).isZero();
    assertThat(concurrently(8, 32, () -> reportsClient.get().uri(reports.apiUri("/api/me")).retrieve().body(String.class))).isZero();

    assertThat(github.counters().refreshCalls()).isEqualTo(1);
    assertThat(reports.counters().refreshCalls()).isEqualTo(1);
    assertThat(reports.counters().loginCalls()).isZero(); // the bean signed in, not the server's login endpoint
    assertThat(Files.readString(file)).doesNotContain(LoginBeanTokens.next.accessToken()); // rotated since

    MeterRegistry meters = context.getBean(MeterRegistry.class);
    assertThat(meters.get("silentrefresh.refresh").tag("session", "github").tag("outcome", "refreshed").timer().count()).isEqualTo(1);
    assertThat(meters.get("silentrefresh.refresh").tag("session", "reports").tag("outcome", "refreshed").timer().count()).isEqualTo(1);
    assertThat(meters.get("silentrefresh.rejected.replies").tag("session", "github").counter().count()).isPositive();
    assertThat(meters.get("silentrefresh.waiting").tag("session", "github").gauge().value()).isZero();
    // the observation of each refresh, timed by Boot's meter handler
    assertThat(meters.get("silentrefresh.session.refresh").tag("session", "github").tag("outcome", "refreshed").timer().count()).isEqualTo(1);

    Health up = ((HealthIndicator) health.getContributor("github")).health();
    assertThat(up.getStatus()).isEqualTo(Status.UP);
    assertThat(up.getDetails()).containsEntry("signedIn", true).containsEntry("last", "refreshed");
    assertThat(up.getDetails()).containsOnlyKeys("signedIn", "waiting", "dialect", "last", "lastAt");

    sessions.get("github").signOut();
    assertThat(((HealthIndicator) health.getContributor("github")).health().getStatus()).isEqualTo(Status.DOWN);
  }

  @org.springframework.stereotype.Component
  static final class Qualified {
    final TokenSession github;
    final TokenSession reports;

    Qualified(@Qualifier("github") TokenSession github, @Qualifier("reports") TokenSession reports) {
      this.github = github;
      this.reports = reports;
    }
  }
}
