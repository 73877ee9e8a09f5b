package dev.silentrefresh.bench;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.IssuedTokens;
import java.time.Instant;

/** The library itself, through its jdk adapter (the conformance driver): the row the peers are read against. */
final class SilentRefreshPeer implements Peer {
  @Override
  public String name() {
    return "silent-refresh";
  }

  @Override
  public Client signedIn(AuthServer server, IssuedTokens tokens, Instant expiresAt) throws Exception {
    ClientUnderTest adapter = Clients.JDK.create();
    TokenSession session = TokenSession.builder(server.dialect(), adapter.transport()).build();
    session.signIn(Tokens.builder().accessToken(tokens.accessToken()).refreshToken(tokens.refreshToken())
        .expiresAt(expiresAt).build());
    Caller caller = adapter.caller(session);
    return new Client() {
      @Override
      public int get(java.net.URI uri) throws Exception {
        return caller.get(uri).status();
      }

      @Override
      public void close() {
        adapter.close();
      }
    };
  }

  @Override
  public Client raw(AuthServer server, String accessToken) {
    RawClient raw = RawClient.of(Clients.JDK, "Authorization", "Bearer " + accessToken);
    return new Client() {
      @Override
      public int get(java.net.URI uri) throws Exception {
        return raw.get(uri).status();
      }

      @Override
      public void close() {
        raw.close();
      }
    };
  }
}
