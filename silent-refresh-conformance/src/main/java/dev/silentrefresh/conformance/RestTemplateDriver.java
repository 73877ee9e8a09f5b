package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.spring.RestRefreshTransport;
import dev.silentrefresh.spring.RestRefreshInterceptor;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestTemplate;

/**
 * Spring's {@code RestTemplate} on {@code HttpURLConnection} (its default, through
 * {@code RestRefreshInterceptor.requestFactory()}, which follows no redirect) with {@link RestRefreshInterceptor}
 * installed; every status is a reply.
 */
public final class RestTemplateDriver implements ClientUnderTest {
  private final SimpleClientHttpRequestFactory plain = RestRefreshInterceptor.requestFactory();

  public RestTemplateDriver() {
    plain.setConnectTimeout(5_000);
    plain.setReadTimeout(30_000);
  }

  @Override
  public String name() {
    return "resttemplate";
  }

  @Override
  public RefreshTransport transport() {
    return RestRefreshTransport.of(plain);
  }

  @Override
  public Caller caller(TokenSession session) {
    RestTemplate template = everyStatusAReply(RestRefreshInterceptor.install(new RestTemplate(plain), session));
    return (method, uri, contentType, body) -> send(template, method, uri, contentType, body);
  }

  /** The one way: {@code thread} (the calling thread's key; RestTemplate has no per-call attributes). */
  @Override
  public UsersCaller usersCaller(TokenSessions sessions) {
    RestTemplate template = everyStatusAReply(RestRefreshInterceptor.install(new RestTemplate(plain), sessions));
    return UsersCaller.of(List.of("thread"),
        (way, user, uri) -> UsersCaller.asThreadUser(user, () -> send(template, "GET", uri, null, null)));
  }

  private static RestTemplate everyStatusAReply(RestTemplate template) {
    template.setErrorHandler(new ResponseErrorHandler() {
      @Override
      public boolean hasError(ClientHttpResponse response) {
        return false;
      }
    });
    return template;
  }

  private static CallReply send(RestTemplate template, String method, URI uri, String contentType, byte[] body)
      throws IOException {
    try {
      return template.execute(uri, HttpMethod.valueOf(method), request -> {
        if (contentType != null) request.getHeaders().set("Content-Type", contentType);
        if (body != null) request.getBody().write(body);
      }, response -> new CallReply(response.getStatusCode().value(),
          SpringHeaderMaps.toMap(response.getHeaders()),
          response.getBody().readAllBytes()));
    } catch (ResourceAccessException e) {
      if (e.getCause() instanceof IOException) throw (IOException) e.getCause();
      throw e;
    }
  }
}
