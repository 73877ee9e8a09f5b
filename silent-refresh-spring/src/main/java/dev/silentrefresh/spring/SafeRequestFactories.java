package dev.silentrefresh.spring;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;

/**
 * The request factories {@link RestRefreshInterceptor} puts a token on the wire through: they never follow
 * a redirect, so the token header cannot be carried to the origin a redirect names.
 */
final class SafeRequestFactories {
  private SafeRequestFactories() {}

  /** Implemented only by the factories below. */
  interface Safe {}

  /** {@code HttpURLConnection} with redirects off (Spring turns them on for {@code GET}). */
  static final class UrlConnection extends SimpleClientHttpRequestFactory implements Safe {
    @Override
    protected void prepareConnection(HttpURLConnection connection, String httpMethod) throws IOException {
      super.prepareConnection(connection, httpMethod);
      connection.setInstanceFollowRedirects(false);
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
      ClientHttpRequest request = super.createRequest(uri, httpMethod);
      TokenHandoff.takeOffered(uri, request.getHeaders());
      return request;
    }
  }

  /** {@code java.net.http} over a client checked to follow no redirect. */
  static final class Jdk extends JdkClientHttpRequestFactory implements Safe {
    Jdk(HttpClient client) {
      super(client);
    }

    @Override
    public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) throws IOException {
      ClientHttpRequest request = super.createRequest(uri, httpMethod);
      TokenHandoff.takeOffered(uri, request.getHeaders());
      return request;
    }
  }
}
