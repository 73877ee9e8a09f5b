package dev.silentrefresh.okhttp;

import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/** A reference server, a session speaking its dialect through the OkHttp transport, and a client with the interceptor. */
final class Fixture implements AutoCloseable {
  final AuthServer server;
  final OkHttpClient plain;
  final TokenSession session;
  final OkHttpClient client;
  final List<String> replaySkipped = new CopyOnWriteArrayList<>();

  Fixture(Profile profile, Consumer<AuthServer.Builder> serverOptions, Consumer<TokenSession.Builder> sessionOptions) {
    this(profile, serverOptions, sessionOptions, new OkHttpClient());
  }

  Fixture(Profile profile, Consumer<AuthServer.Builder> serverOptions, Consumer<TokenSession.Builder> sessionOptions,
      OkHttpClient plain) {
    AuthServer.Builder sb = AuthServer.builder(profile);
    serverOptions.accept(sb);
    this.server = sb.start();
    this.plain = plain;
    TokenSession.Builder b = TokenSession.builder(server.dialect(), OkHttpRefreshTransport.of(plain))
        .scope(server.baseUri())
        .listener(new SessionListener() {
          @Override
          public void replaySkipped(String reason) {
            replaySkipped.add(reason);
          }
        });
    sessionOptions.accept(b);
    this.session = b.build();
    this.client = OkHttpRefreshInterceptor.install(plain.newBuilder(), session).build();
  }

  static Fixture of(Profile profile) {
    return new Fixture(profile, s -> {}, b -> {});
  }

  /** Signs in with tokens the server already considers expired (their expiry unknown to the session). */
  Tokens signInExpired() throws Exception {
    Tokens t = server.issueExpiredTokens(server.username()).toTokensWithoutExpiry();
    session.signIn(t);
    return t;
  }

  URI me() {
    return server.apiUri("/api/me");
  }

  URI echo() {
    return server.apiUri("/api/echo");
  }

  @Override
  public void close() {
    server.close();
    plain.connectionPool().evictAll();
  }
}
