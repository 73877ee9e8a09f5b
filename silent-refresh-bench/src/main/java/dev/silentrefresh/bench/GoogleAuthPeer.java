package dev.silentrefresh.bench;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpRequestFactory;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.http.HttpCredentialsAdapter;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.UserCredentials;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.IssuedTokens;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;

/**
 * google-auth-library-java's {@link UserCredentials} (a user's refresh token) with its token server URI pointed at
 * the testkit, sending through google-http-client with {@link HttpCredentialsAdapter}, as that library's README
 * wires it: the adapter attaches the token, refreshes it when it is about to expire, and on a 401 refreshes and
 * retries.
 */
final class GoogleAuthPeer implements Peer {
  @Override
  public String name() {
    return "google-auth";
  }

  @Override
  public Client signedIn(AuthServer server, IssuedTokens tokens, Instant expiresAt) {
    UserCredentials credentials = UserCredentials.newBuilder()
        .setClientId(server.clientId())
        .setClientSecret(server.clientSecret())
        .setRefreshToken(tokens.refreshToken())
        .setAccessToken(new AccessToken(tokens.accessToken(), Date.from(expiresAt)))
        .setTokenServerUri(server.refreshUri())
        .build();
    HttpRequestFactory requests = new NetHttpTransport().createRequestFactory(new HttpCredentialsAdapter(credentials));
    return uri -> status(requests.buildGetRequest(new GenericUrl(uri)));
  }

  @Override
  public Client raw(AuthServer server, String accessToken) {
    HttpRequestFactory requests = new NetHttpTransport().createRequestFactory();
    return uri -> {
      HttpRequest request = requests.buildGetRequest(new GenericUrl(uri));
      request.getHeaders().setAuthorization("Bearer " + accessToken);
      return status(request);
    };
  }

  private static int status(HttpRequest request) throws IOException {
    request.setThrowExceptionOnExecuteError(false);
    HttpResponse response = request.execute();
    response.parseAsString(); // reads the body to its end and closes it: the connection goes back to the pool
    return response.getStatusCode();
  }
}
