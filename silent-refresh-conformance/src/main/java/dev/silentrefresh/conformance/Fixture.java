package dev.silentrefresh.conformance;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** One test's world: a reference server for a profile, a session speaking its dialect, a caller through the adapter. */
public final class Fixture implements AutoCloseable {
  public final AuthServer server;
  /** The session's store: in memory unless the test passed one. */
  public final TokenStore store;
  public final EventLog events = new EventLog();
  public final TokenSession session;
  public final Caller caller;

  public Fixture(ClientUnderTest client, Profile profile, Consumer<AuthServer.Builder> serverOptions,
      Consumer<TokenSession.Builder> sessionOptions) {
    this(client, profile, serverOptions, sessionOptions, TokenStore.inMemory(), UnaryOperator.identity());
  }

  /**
   * A fixture whose session lives in {@code store} and refreshes through {@code wrapTransport} applied to
   * the adapter's own transport (to stage a transport that throws or holds replies back).
   */
  public Fixture(ClientUnderTest client, Profile profile, Consumer<AuthServer.Builder> serverOptions,
      Consumer<TokenSession.Builder> sessionOptions, TokenStore store, UnaryOperator<RefreshTransport> wrapTransport) {
    if (store == null) throw new IllegalArgumentException("store is null");
    if (wrapTransport == null) throw new IllegalArgumentException("wrapTransport is null");
    this.store = store;
    AuthServer.Builder sb = AuthServer.builder(profile);
    serverOptions.accept(sb);
    this.server = sb.start();
    try {
      TokenSession.Builder b = TokenSession.builder(server.dialect(), wrapTransport.apply(client.transport()))
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
