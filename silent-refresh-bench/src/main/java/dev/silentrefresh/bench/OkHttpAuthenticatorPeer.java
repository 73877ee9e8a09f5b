package dev.silentrefresh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.IssuedTokens;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import okhttp3.Authenticator;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.Route;

/**
 * A hand-written OkHttp {@link Authenticator} as tutorials write it: an interceptor adds the held access token, and
 * on a 401 the authenticator refreshes under {@code synchronized} and retries with the new token. {@code checked}:
 * the same with the "token already replaced?" check — a request rejected with a token that another thread has
 * meanwhile replaced is retried with the current one, without a refresh.
 */
final class OkHttpAuthenticatorPeer implements Peer {
  private final boolean checked;

  OkHttpAuthenticatorPeer(boolean checked) {
    this.checked = checked;
  }

  @Override
  public String name() {
    return checked ? "okhttp-authenticator-checked" : "okhttp-authenticator";
  }

  @Override
  public Client signedIn(AuthServer server, IssuedTokens tokens, Instant expiresAt) {
    TokenAuthenticator authenticator = new TokenAuthenticator(server, tokens.accessToken(), tokens.refreshToken(),
        checked);
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .header("Authorization", "Bearer " + authenticator.accessToken()).build()))
        .authenticator(authenticator)
        .build();
    return new OkHttpPeerClient(client);
  }

  @Override
  public Client raw(AuthServer server, String accessToken) {
    OkHttpClient client = new OkHttpClient.Builder()
        .addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
            .header("Authorization", "Bearer " + accessToken).build()))
        .build();
    return new OkHttpPeerClient(client);
  }

  private record OkHttpPeerClient(OkHttpClient client) implements Client {
    @Override
    public int get(URI uri) throws IOException {
      try (Response r = client.newCall(new Request.Builder().url(uri.toString()).build()).execute()) {
        r.body().bytes();
        return r.code();
      }
    }

    @Override
    public void close() {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /** The tutorial's authenticator: tokens in two fields, a refresh with OkHttp itself. */
  private static final class TokenAuthenticator implements Authenticator {
    private final AuthServer server;
    private final OkHttpClient refreshClient = new OkHttpClient();
    private final boolean checked;
    private volatile String accessToken;
    private volatile String refreshToken;

    TokenAuthenticator(AuthServer server, String accessToken, String refreshToken, boolean checked) {
      this.server = server;
      this.accessToken = accessToken;
      this.refreshToken = refreshToken;
      this.checked = checked;
    }

    String accessToken() {
      return accessToken;
    }

    @Override
    public synchronized Request authenticate(Route route, Response response) throws IOException {
      if (response.priorResponse() != null) return null; // already retried once: give up
      String sent = response.request().header("Authorization");
      if (checked && sent != null && !sent.equals("Bearer " + accessToken)) {
        return response.request().newBuilder().header("Authorization", "Bearer " + accessToken).build();
      }
      FormBody form = new FormBody.Builder()
          .add("grant_type", "refresh_token")
          .add("refresh_token", refreshToken)
          .add("client_id", server.clientId())
          .add("client_secret", server.clientSecret())
          .build();
      try (Response reply = refreshClient.newCall(new Request.Builder().url(server.refreshUri().toString())
          .post(form).build()).execute()) {
        if (!reply.isSuccessful()) return null; // the refresh token is dead: the caller gets the 401
        JsonNode tokens = Json.MAPPER.readTree(reply.body().bytes());
        accessToken = tokens.path("access_token").asText();
        if (tokens.hasNonNull("refresh_token")) refreshToken = tokens.path("refresh_token").asText();
      }
      return response.request().newBuilder().header("Authorization", "Bearer " + accessToken).build();
    }
  }
}
