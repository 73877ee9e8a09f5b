package dev.silentrefresh.conformance;

import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.spring.RestRefreshTransport;
import dev.silentrefresh.spring.RestRefreshInterceptor;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestTemplate;

/**
 * Spring's {@code RestTemplate} with its default request factory ({@code SimpleClientHttpRequestFactory},
 * i.e. {@code HttpURLConnection}) and {@link RestRefreshInterceptor}; every status is a reply.
 */
public final class RestTemplateDriver implements ClientUnderTest {
  private final SimpleClientHttpRequestFactory plain = new SimpleClientHttpRequestFactory();

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
    RestTemplate template = new RestTemplate(); // the default factory: SimpleClientHttpRequestFactory
    template.getInterceptors().add(RestRefreshInterceptor.of(session));
    template.setErrorHandler(new ResponseErrorHandler() {
      @Override
      public boolean hasError(ClientHttpResponse response) {
        return false;
      }
    });
    return (method, uri, contentType, body) -> send(template, method, uri, contentType, body);
  }

  private static CallReply send(RestTemplate template, String method, URI uri, String contentType, byte[] body)
      throws IOException {
    try {
      return template.execute(uri, HttpMethod.valueOf(method), request -> {
        if (contentType != null) request.getHeaders().set("Content-Type", contentType);
        if (body != null) request.getBody().write(body);
      }, response -> new CallReply(response.getStatusCode().value(), response.getHeaders(),
          response.getBody().readAllBytes()));
    } catch (ResourceAccessException e) {
      if (e.getCause() instanceof IOException) throw (IOException) e.getCause();
      throw e;
    }
  }
}
