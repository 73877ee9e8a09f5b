package dev.silentrefresh.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.web.client.RestClient;

/**
 * {@code store.type: redis} over the application's Spring Data Redis, against the real Redis and the reference
 * server: two applications (each with its own Lettuce client, as two processes would have) share one session and
 * refresh it once per expiry; encryption at rest; a Redis that cannot be reached at start-up.
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisStoreTest {
  private final Opened open = new Opened();

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  @AfterEach
  void close() throws Exception {
    open.close();
  }

  private AuthServer server() {
    return open.server(Profile.OAUTH2);
  }

  private ConfigurableApplicationContext app(String[] redis, String... properties) {
    ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off").properties(redis).properties(properties).run();
    open.add(context);
    return context;
  }

  private static String[] redisSession(AuthServer server, String... more) {
    List<String> p = new ArrayList<>(List.of(
        "silent-refresh.sessions.api.dialect=oauth2",
        "silent-refresh.sessions.api.refresh-url=" + server.refreshUri(),
        "silent-refresh.sessions.api.client-id=" + server.clientId(),
        "silent-refresh.sessions.api.scope=" + server.baseUri(),
        "silent-refresh.sessions.api.store.type=redis",
        "silent-refresh.sessions.api.login.grant=password",
        "silent-refresh.sessions.api.login.username=" + server.username(),
        "silent-refresh.sessions.api.login.password=" + server.password(),
        "silent-refresh.clients.rest-client=api"));
    for (String o : more) { // key=value replaces the key; key=- removes it
      String k = o.substring(0, o.indexOf('=') + 1);
      p.removeIf(e -> e.startsWith(k));
      if (!o.endsWith("=-")) p.add(o);
    }
    return p.toArray(new String[0]);
  }

  private static String prefixOf(String[] redis) {
    return redis[2].substring(redis[2].indexOf('=') + 1);
  }

  /** The raw hash of session {@code api} in Redis. */
  private static Map<String, String> rawSession(String[] redis) {
    RedisClient client = RedisClient.create("redis://" + LocalRedis.HOST_PORT);
    try (StatefulRedisConnection<String, String> c = client.connect()) {
      return c.sync().hgetall(prefixOf(redis) + "{api}:tokens");
    } finally {
      client.shutdown();
    }
  }

  @Test
  void twoApplicationsSharingASessionInRedisRefreshItOncePerExpiryAndShareTheSignOut() throws Exception {
    String[] redis = LocalRedis.properties();
    AuthServer server = server();
    ConfigurableApplicationContext a = app(redis, redisSession(server));
    ConfigurableApplicationContext b = app(redis, redisSession(server));
    RestClient clientA = a.getBean(RestClient.Builder.class).build();
    RestClient clientB = b.getBean(RestClient.Builder.class).build();
    String me = server.apiUri("/api/me").toString();

    assertThat(clientA.get().uri(me).retrieve().body(String.class)).contains(server.username());
    assertThat(clientB.get().uri(me).retrieve().body(String.class)).as("B adopts A's sign-in from Redis")
        .contains(server.username());
    assertThat(server.counters().loginCalls()).isEqualTo(1);

    for (int expiry = 1; expiry <= 5; expiry++) {
      server.expireAccessTokens();
      List<Callable<String>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        RestClient c = i % 2 == 0 ? clientA : clientB;
        calls.add(() -> c.get().uri(me).retrieve().body(String.class));
      }
      assertThat(Opened.failures(20, calls)).as("failed calls at expiry %d", expiry).isZero();
      assertThat(server.counters().refreshCalls()).as("one refresh per expiry for both applications").isEqualTo(expiry);
    }
    assertThat(server.counters().reuseDetected()).isZero();
    assertThat(server.counters().familiesRevoked()).isZero();
    assertThat(server.counters().loginCalls()).isEqualTo(1);

    TokenSession sessionA = a.getBean("apiTokenSession", TokenSession.class);
    TokenSession sessionB = b.getBean("apiTokenSession", TokenSession.class);
    sessionA.signOut();
    await().atMost(Duration.ofSeconds(30)).until(() -> !sessionB.isSignedIn());
  }

  @Test
  void anEncryptionKeyKeepsTheTokensUnreadableInRedisAndAnotherKeyIsAClearErrorThatOverwritesNothing() throws Exception {
    String[] redis = LocalRedis.properties();
    AuthServer server = server();
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    String otherKey = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
    ConfigurableApplicationContext a = app(redis, redisSession(server, "silent-refresh.redis.encryption-key=" + key));
    RestClient client = a.getBean(RestClient.Builder.class).build();
    client.get().uri(server.apiUri("/api/me")).retrieve().body(String.class);

    Map<String, String> stored = rawSession(redis);
    assertThat(stored).as("the session is in Redis").isNotEmpty();
    assertThat(String.join(" ", stored.values())).as("no token or token field in clear")
        .doesNotContain("eyJ").doesNotContain("access").doesNotContain("refresh");

    ConfigurableApplicationContext b = app(redis, redisSession(server, "silent-refresh.redis.encryption-key=" + otherKey,
        "silent-refresh.sessions.api.login.grant=-", "silent-refresh.sessions.api.login.username=-",
        "silent-refresh.sessions.api.login.password=-"));
    TokenSession sessionB = b.getBean("apiTokenSession", TokenSession.class);
    assertThatThrownBy(sessionB::isSignedIn).isInstanceOf(IOException.class)
        .hasMessageContaining("{api}:tokens").hasMessageNotContaining(otherKey).hasMessageNotContaining(key);
    assertThat(rawSession(redis)).as("nothing overwritten").isEqualTo(stored);
  }

  @Test
  void anUnreachableRedisStopsStartUpWithOneMessageNamingItsAddress(CapturedOutput output) throws Exception {
    LocalRedis.properties(); // the other tests' Redis: this one needs none, but the starter's Redis wiring is tested together
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    AuthServer server = server();
    int unused = port;
    Throwable failure = catchThrowable(() -> app(new String[] {"spring.data.redis.host=127.0.0.1",
        "spring.data.redis.port=" + unused, "silent-refresh.redis.key-prefix=x:"}, redisSession(server)));

    RedisUnavailableException cause = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof RedisUnavailableException) cause = (RedisUnavailableException) t;
    }
    assertThat(cause).as("cause of %s", failure).isNotNull();
    assertThat(cause.address()).isEqualTo("127.0.0.1:" + unused);
    assertThat(cause.getMessage()).contains("127.0.0.1:" + unused).contains("cannot be reached");
    assertThat(output.getAll()).contains("APPLICATION FAILED TO START").contains("Start Redis at 127.0.0.1:" + unused)
        .doesNotContain(server.password());
  }

  @Test
  void theSessionsRedisConnectionsCloseBeforeBootsClientWhenTheApplicationStops(CapturedOutput output) throws Exception {
    String[] redis = LocalRedis.properties();
    AuthServer server = server();
    ConfigurableApplicationContext a = app(redis, redisSession(server));
    a.getBean(RestClient.Builder.class).build().get().uri(server.apiUri("/api/me")).retrieve().body(String.class);
    SilentRefreshRedis stores = a.getBean(SilentRefreshRedis.class);
    LettuceConnectionFactory factory = a.getBean(LettuceConnectionFactory.class);
    assertThat(stores.getPhase()).as("stopped before the factory").isGreaterThan(factory.getPhase());
    assertThat(stores.isRunning()).isTrue();

    a.close();
    assertThat(stores.isRunning()).isFalse();
    assertThat(factory.isRunning()).isFalse();
    assertThatThrownBy(() -> stores.forSession("api")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(output.getAll()).doesNotContain("did not shut down gracefully").doesNotContain("RedisException")
        .doesNotContain("Exception in thread");
  }
}
