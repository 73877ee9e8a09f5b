package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.net.ConnectException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;

/** The JUnit 5 extension: used here for real, and its lifecycle checked by running sample classes. */
class AuthServerExtensionTest {

  @RegisterExtension
  static final AuthServerExtension AUTH = AuthServerExtension.of(Profile.CODE_401,
      b -> b.accessTtl(Duration.ofSeconds(30)).user("carol", "carol-pw"));

  static AuthServer fromBeforeAll;

  @BeforeAll
  static void beforeAll(AuthServer server) {
    fromBeforeAll = server; // resolvable in lifecycle methods too
  }

  @Test
  void resolvesTheRunningServer(AuthServer server) {
    assertThat(server).isSameAs(AUTH.server()).isSameAs(fromBeforeAll);
    assertThat(server.profile()).isEqualTo(Profile.CODE_401);
    assertThat(server.username()).isEqualTo("carol");
    assertThat(server.issueTokens("carol").expiresIn()).isBetween(Duration.ofSeconds(29), Duration.ofSeconds(30));
  }

  @Test
  void countersStartAtZeroInEachTestA(AuthServer server) {
    assertThat(server.counters().snapshot().values()).containsOnly(0L);
    Wire.loginTokens(server);
    server.faults().failAlways(Endpoint.API, Faults.Fault.SERVER_ERROR);
  }

  @Test
  void countersStartAtZeroInEachTestB(AuthServer server) {
    assertThat(server.counters().snapshot().values()).containsOnly(0L);
    Wire.loginTokens(server);
    server.faults().failAlways(Endpoint.API, Faults.Fault.SERVER_ERROR);
  }

  @Nested
  class InANestedClass {
    @Test
    void theSameServerIsShared(AuthServer server) {
      assertThat(server).isSameAs(fromBeforeAll);
      assertThat(server.counters().loginCalls()).isZero();
      Wire.assertMe(Profile.CODE_401, Wire.me(server, server.issueTokens("demo").accessToken()));
    }
  }

  @Test
  void staticFieldLifecycle() throws Exception {
    StaticSample.seen.clear();
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(StaticSample.class)).execute()
        .testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

    assertThat(StaticSample.seen).hasSize(2);
    AuthServer server = StaticSample.seen.get(0);
    assertThat(StaticSample.seen.get(1)).isSameAs(server); // one server for the class
    assertClosed(server);
    assertThatThrownBy(StaticSample.EXT::server).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void instanceFieldLifecycle() throws Exception {
    InstanceSample.seen.clear();
    EngineTestKit.engine("junit-jupiter").selectors(selectClass(InstanceSample.class)).execute()
        .testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));

    assertThat(InstanceSample.seen).hasSize(2);
    assertThat(InstanceSample.seen.get(0)).isNotSameAs(InstanceSample.seen.get(1)); // one per test
    for (AuthServer s : InstanceSample.seen) {
      assertClosed(s);
    }
  }

  private static void assertClosed(AuthServer server) {
    assertThatThrownBy(() -> Wire.HTTP.send(HttpRequest.newBuilder(server.apiUri("/api/me")).build(),
        BodyHandlers.discarding())).isInstanceOf(ConnectException.class);
  }

  /** Run only through the engine test kit above (nested classes are not picked up by Surefire). */
  static class StaticSample {
    @RegisterExtension
    static final AuthServerExtension EXT = AuthServerExtension.of(Profile.OAUTH2);
    static final List<AuthServer> seen = new CopyOnWriteArrayList<>();

    @Test
    void first(AuthServer server) {
      check(server);
    }

    @Test
    void second(AuthServer server) {
      check(server);
    }

    private static void check(AuthServer server) {
      assertThat(server.counters().loginCalls()).isZero();
      Wire.loginTokens(server);
      seen.add(server);
    }
  }

  /** Run only through the engine test kit above. */
  static class InstanceSample {
    static final List<AuthServer> seen = new CopyOnWriteArrayList<>();

    @RegisterExtension
    final AuthServerExtension ext = AuthServerExtension.of(Profile.CODE_1002);

    @Test
    void first(AuthServer server) {
      Wire.loginTokens(server);
      seen.add(server);
    }

    @Test
    void second() {
      Wire.loginTokens(ext.server());
      seen.add(ext.server());
    }
  }
}
