package dev.silentrefresh.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;

/** Starts servers on a {@link MutableClock} and closes them after each test. */
abstract class ServerTestBase {
  static final Duration ACCESS_TTL = Duration.ofMinutes(5);
  static final Duration REFRESH_TTL = Duration.ofHours(1);

  final MutableClock clock = new MutableClock();
  private final List<AuthServer> servers = new ArrayList<>();

  AuthServer start(Profile profile) {
    return start(profile, b -> { });
  }

  AuthServer start(Profile profile, Consumer<AuthServer.Builder> customizer) {
    AuthServer.Builder b = AuthServer.builder(profile).clock(clock).accessTtl(ACCESS_TTL).refreshTtl(REFRESH_TTL);
    customizer.accept(b);
    AuthServer s = b.start();
    servers.add(s);
    return s;
  }

  @AfterEach
  void closeServers() {
    servers.forEach(AuthServer::close);
  }
}
