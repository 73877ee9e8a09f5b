package dev.silentrefresh.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.spring.SessionKey;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * {@code per-user: true}: a {@link TokenSessions} bean from properties alone, installed on Boot's client builders
 * with the user named per request, each user refreshing once per expiry; in memory and in Redis across two
 * applications.
 */
class PerUserSessionsTest {
  private static final Pattern USERNAME = Pattern.compile("\"username\":\"([^\"]*)\"");
  private static final int USERS = 40;
  private final Opened open = new Opened();

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    /** Takes the registry bean by its qualifier, as an application would. */
    @Bean
    UsersHolder usersHolder(@Qualifier("users") TokenSessions users) {
      return new UsersHolder(users);
    }
  }

  static final class UsersHolder {
    final TokenSessions users;

    UsersHolder(TokenSessions users) {
      this.users = users;
    }
  }

  @AfterEach
  void close() throws Exception {
    open.close();
  }

  private AuthServer server() {
    return open.server(Profile.OAUTH2);
  }

  private ConfigurableApplicationContext app(AuthServer server, String... more) {
    List<String> p = new ArrayList<>(List.of(
        "spring.main.banner-mode=off",
        "silent-refresh.sessions.users.dialect=oauth2",
        "silent-refresh.sessions.users.per-user=true",
        "silent-refresh.sessions.users.refresh-url=" + server.refreshUri(),
        "silent-refresh.sessions.users.client-id=" + server.clientId(),
        "silent-refresh.sessions.users.scope=" + server.baseUri(),
        "silent-refresh.clients.rest-client=users",
        "silent-refresh.clients.web-client=users"));
    p.addAll(List.of(more));
    ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties(p.toArray(new String[0])).run();
    open.add(context);
    return context;
  }

  private static String user(int u) {
    return String.format(Locale.ROOT, "user-%02d@example.com", u);
  }

  /** Every user {@code perUser} times, interleaved, half by RestClient and half by WebClient; what went wrong. */
  private static List<String> burst(String me, List<ConfigurableApplicationContext> apps, int perUser) throws Exception {
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    List<Callable<Void>> calls = new ArrayList<>();
    for (int i = 0; i < USERS * perUser; i++) {
      String user = user(i % USERS);
      ConfigurableApplicationContext app = apps.get(i % apps.size());
      boolean web = i / USERS % 2 == 1;
      calls.add(() -> {
        String body;
        try {
          body = web
              ? app.getBean(WebClient.Builder.class).build().get().uri(me).attribute(SessionKey.ATTRIBUTE, user)
                  .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(60))
              : app.getBean(RestClient.Builder.class).build().get().uri(me).attribute(SessionKey.ATTRIBUTE, user)
                  .retrieve().body(String.class);
        } catch (RuntimeException e) {
          wrong.add(user + ": " + e);
          return null;
        }
        Matcher m = USERNAME.matcher(body);
        String answeredAs = m.find() ? m.group(1) : null;
        if (!user.equals(answeredAs)) wrong.add(user + " answered as " + answeredAs);
        return null;
      });
    }
    if (Opened.failures(32, calls) > 0) wrong.add("a call threw");
    return new ArrayList<>(wrong);
  }

  @Test
  void eachUserHasASessionOfTheirOwnFromPropertiesAloneAndRefreshesOncePerExpiry() throws Exception {
    AuthServer server = server();
    ConfigurableApplicationContext app = app(server);
    TokenSessions users = app.getBean(UsersHolder.class).users;
    assertThat(app.getBean("usersTokenSessions")).isSameAs(users);
    assertThat(app.getBean(SilentRefreshSessions.class).perUser("users")).isSameAs(users);
    assertThatThrownBy(() -> app.getBean(SilentRefreshSessions.class).get("users"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per user");
    for (int u = 0; u < USERS; u++) users.get(user(u)).signIn(server.issueTokens(user(u)).toTokensWithoutExpiry());
    String me = server.apiUri("/api/me").toString();

    assertThat(burst(me, List.of(app), 4)).isEmpty();
    assertThat(server.counters().refreshCalls()).isZero();
    for (int expiry = 1; expiry <= 2; expiry++) {
      server.expireAccessTokens();
      assertThat(burst(me, List.of(app), 4)).as("failures or replies for another user").isEmpty();
      assertThat(server.counters().refreshCalls()).as("one refresh per user per expiry").isEqualTo((long) USERS * expiry);
    }
    assertThat(server.counters().reuseDetected()).isZero();

    MeterRegistry meters = app.getBean(MeterRegistry.class);
    assertThat(meters.get(SilentRefreshSessions.SESSIONS_GAUGE).tag("session", "users").gauge().value()).isEqualTo(USERS);
    assertThat(meters.get("silentrefresh.refresh").tag("session", "users").tag("outcome", "refreshed").timer().count())
        .isEqualTo(2L * USERS);
    Health health = ((HealthIndicator) ((CompositeHealthContributor) app.getBean("silentRefreshHealthContributor"))
        .getContributor("users")).health();
    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).containsEntry("sessions", USERS).containsEntry("perUser", true);
  }

  @Test
  void aRequestNamingNoUserFailsBeforeAnythingIsSent() {
    AuthServer server = server();
    ConfigurableApplicationContext app = app(server);
    RestClient client = app.getBean(RestClient.Builder.class).build();
    assertThatThrownBy(() -> client.get().uri(server.apiUri("/api/me")).retrieve().body(String.class))
        .rootCause().hasMessageContaining("names no session key");
    assertThat(server.counters().apiRequests()).isZero();
  }

  @Test
  void usersSessionsInRedisAreSharedByTwoApplicationsAndRefreshOncePerUserPerExpiry() throws Exception {
    String[] redis = LocalRedis.properties();
    AuthServer server = server();
    List<String> more = new ArrayList<>(List.of(redis));
    more.add("silent-refresh.sessions.users.store.type=redis");
    ConfigurableApplicationContext a = app(server, more.toArray(new String[0]));
    ConfigurableApplicationContext b = app(server, more.toArray(new String[0]));
    TokenSessions usersA = a.getBean(UsersHolder.class).users;
    for (int u = 0; u < USERS; u++) usersA.get(user(u)).signIn(server.issueTokens(user(u)).toTokensWithoutExpiry());
    String me = server.apiUri("/api/me").toString();

    for (int expiry = 1; expiry <= 2; expiry++) {
      server.expireAccessTokens();
      assertThat(burst(me, List.of(a, b), 4)).as("failures or replies for another user").isEmpty();
      assertThat(server.counters().refreshCalls()).as("one refresh per user per expiry across both applications")
          .isEqualTo((long) USERS * expiry);
    }
    assertThat(server.counters().reuseDetected()).isZero();
    assertThat(server.counters().familiesRevoked()).isZero();
  }

  @Test
  void maxSessionsBoundsTheUsersHeldAndAnEvictedUsersTokensStayInRedis() throws Exception {
    String[] redis = LocalRedis.properties();
    AuthServer server = server();
    List<String> more = new ArrayList<>(List.of(redis));
    more.add("silent-refresh.sessions.users.store.type=redis");
    more.add("silent-refresh.sessions.users.max-sessions=3");
    ConfigurableApplicationContext app = app(server, more.toArray(new String[0]));
    TokenSessions users = app.getBean(UsersHolder.class).users;
    for (int u = 0; u < 5; u++) users.get(user(u)).signIn(server.issueTokens(user(u)).toTokensWithoutExpiry());

    assertThat(users.size()).isLessThanOrEqualTo(3);
    assertThat(users.evictions()).isGreaterThanOrEqualTo(2);
    assertThat(users.getIfPresent(user(0))).as("the least recently used went first").isNull();
    TokenSession again = users.get(user(0));
    assertThat(again.isSignedIn()).as("its tokens were kept in Redis").isTrue();
    String body = app.getBean(RestClient.Builder.class).build().get().uri(server.apiUri("/api/me"))
        .attribute(SessionKey.ATTRIBUTE, user(0)).retrieve().body(String.class);
    assertThat(body).contains(user(0));
  }
}
