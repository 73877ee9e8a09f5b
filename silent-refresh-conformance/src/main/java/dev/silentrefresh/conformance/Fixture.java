package dev.silentrefresh.conformance;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

/** One test's world: a reference server for a profile, a session speaking its dialect, a caller through the adapter. */
public final class Fixture implements AutoCloseable {
  public final AuthServer server;
  public final TokenStore store = TokenStore.inMemory();
  public final EventLog events = new EventLog();
  public final TokenSession session;
  public final Caller caller;

  public Fixture(ClientUnderTest client, Profile profile, Consumer<AuthServer.Builder> serverOptions,
      Consumer<TokenSession.Builder> sessionOptions) {
    AuthServer.Builder sb = AuthServer.builder(profile);
    serverOptions.accept(sb);
    this.server = sb.start();
    try {
      TokenSession.Builder b = TokenSession.builder(server.dialect(), client.transport())
          .store(store)
          .listener(events)
          .retry(2, Duration.ofMillis(10), Duration.ofMillis(50))
          .refreshTimeout(Duration.ofSeconds(5));
      sessionOptions.accept(b);
      this.session = b.build();
      this.caller = client.caller(session);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  public URI me() {
    return server.apiUri("/api/me");
  }

  public URI echo() {
    return server.apiUri("/api/echo");
  }

  @Override
  public void close() {
    server.close();
  }
}
