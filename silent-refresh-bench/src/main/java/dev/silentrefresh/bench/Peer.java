package dev.silentrefresh.bench;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.IssuedTokens;
import java.net.URI;
import java.time.Instant;

/**
 * A way people send requests with expiring tokens: the library, or one of its peers, wired as its own documentation
 * says. Every peer meets the same server ({@link PeerScenarios#server}) in the same scenarios.
 */
interface Peer {
  /** A client that sends requests and answers their status. */
  interface Client extends AutoCloseable {
    int get(URI uri) throws Exception;

    @Override
    default void close() throws Exception {}
  }

  /** Short name, e.g. {@code spring-security-7}. */
  String name();

  /** The peer, holding {@code tokens}, whose access token expires at {@code expiresAt} (as the client knows). */
  Client signedIn(AuthServer server, IssuedTokens tokens, Instant expiresAt) throws Exception;

  /** The same HTTP stack without the peer: {@code Authorization: Bearer accessToken} set by hand. */
  Client raw(AuthServer server, String accessToken) throws Exception;
}
