package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.spring.SessionKey;
import dev.silentrefresh.spring.RestRefreshTransport;
import dev.silentrefresh.spring.RestRefreshInterceptor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

/**
 * Spring's {@code RestClient} over {@code RestRefreshInterceptor.requestFactory(HttpClient)} (java.net.http,
 * following no redirect), with {@link RestRefreshInterceptor} installed (registered last). Blocking; replies of any status.
 */
public final class RestClientDriver implements ClientUnderTest {
  private final ClientHttpRequestFactory factory;

  public RestClientDriver() {
    JdkClientHttpRequestFactory jdk = RestRefreshInterceptor.requestFactory(
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    jdk.setReadTimeout(Duration.ofSeconds(30));
    this.factory = jdk;
  }

  @Override
  public String name() {
    return "restclient";
  }

  @Override
  public RefreshTransport transport() {
    return RestRefreshTransport.of(factory);
  }

  @Override
  public Caller caller(TokenSession session) {
    RestClient client = RestRefreshInterceptor.install(RestClient.builder(), factory, session).build();
    return (method, uri, contentType, body) -> send(client, null, method, uri, contentType, body);
  }

  /** Ways: {@code attribute} ({@link SessionKey#ATTRIBUTE}) and {@code thread} (the calling thread's key). */
  @Override
  public UsersCaller usersCaller(TokenSessions sessions) {
    RestClient client = RestRefreshInterceptor.install(RestClient.builder(), factory, sessions).build();
    return UsersCaller.of(List.of("attribute", "thread"), (way, user, uri) -> way.equals("attribute")
        ? send(client, user, "GET", uri, null, null)
        : UsersCaller.asThreadUser(user, () -> send(client, null, "GET", uri, null, null)));
  }

  private static CallReply send(RestClient client, String user, String method, URI uri, String contentType, byte[] body)
      throws IOException {
    RestClient.RequestBodySpec spec = client.method(HttpMethod.valueOf(method)).uri(uri);
    if (user != null) spec.attribute(SessionKey.ATTRIBUTE, user);
    if (contentType != null) spec.header("Content-Type", contentType);
    if (body != null) spec.body(body);
    try {
      return spec.exchange((request, response) -> new CallReply(response.getStatusCode().value(),
          SpringHeaderMaps.toMap(response.getHeaders()), response.getBody().readAllBytes()));
    } catch (ResourceAccessException e) {
      if (e.getCause() instanceof IOException) throw (IOException) e.getCause();
      throw e;
    }
  }
}
