package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;

/** One HTTP client adapter, as the conformance suite drives it. */
public interface ClientUnderTest extends AutoCloseable {
  /** Short name: jdk, okhttp, restclient… */
  String name();

  /** The adapter's refresh transport (a plain client, without the refreshing interceptor). */
  RefreshTransport transport();

  /** A caller sending through the adapter with {@code session}. */
  Caller caller(TokenSession session);

  /** A caller sending through the adapter built over {@code sessions}, each request as the user it names. */
  UsersCaller usersCaller(TokenSessions sessions);

  @Override
  default void close() {}
}
