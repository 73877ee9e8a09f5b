package dev.silentrefresh.bench;

import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.spring.RestRefreshInterceptor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.ResponseErrorHandler;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The raw client, as a user would send without the library: each conformance driver's plain client, configured
 * as the driver configures it, with the token header set by hand on every request. The overhead scenario compares
 * each adapter with it. Blocking sends only.
 */
abstract class RawClient implements Caller, AutoCloseable {
  final String header;
  final String value;

  private RawClient(String header, String value) {
    this.header = header;
    this.value = value;
  }

  /** A raw client of {@code kind} sending {@code header: value} on every request. */
  static RawClient of(Clients kind, String header, String value) {
    switch (kind) {
      case JDK: return new Jdk(header, value);
      case OKHTTP: return new OkHttp(header, value);
      case RESTCLIENT: return new Rest(header, value);
      case RESTTEMPLATE: return new Template(header, value);
      case WEBCLIENT: return new Reactive(header, value);
      default: throw new IllegalArgumentException(kind.id());
    }
  }

  @Override
  public CallReply send(String method, URI uri, String contentType, byte[] body) throws IOException {
    if (!"GET".equals(method) || body != null) throw new UnsupportedOperationException("GET only");
    return get(uri);
  }

  @Override
  public abstract CallReply get(URI uri) throws IOException;

  @Override
  public void close() {}

  static Map<String, List<String>> springHeaders(HttpHeaders headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : headers.headerSet()) map.put(h.getKey(), new ArrayList<>(h.getValue()));
    return map;
  }

  private static final class Jdk extends RawClient {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Jdk(String header, String value) {
      super(header, value);
    }

    @Override
    public CallReply get(URI uri) throws IOException {
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header(header, value).GET().build();
      try {
        HttpResponse<byte[]> r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new CallReply(r.statusCode(), r.headers().map(), r.body());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException();
      }
    }
  }

  private static final class OkHttp extends RawClient {
    private final OkHttpClient client;

    OkHttp(String header, String value) {
      super(header, value);
      Dispatcher dispatcher = new Dispatcher();
      dispatcher.setMaxRequests(1000);
      dispatcher.setMaxRequestsPerHost(1000);
      client = new OkHttpClient.Builder().dispatcher(dispatcher).connectTimeout(Duration.ofSeconds(5))
          .callTimeout(Duration.ofSeconds(30)).build();
    }

    @Override
    public CallReply get(URI uri) throws IOException {
      Request request = new Request.Builder().url(uri.toString()).header(header, value).get().build();
      try (Response r = client.newCall(request).execute()) {
        ResponseBody body = r.body();
        return new CallReply(r.code(), r.headers().toMultimap(), body == null ? new byte[0] : body.bytes());
      }
    }

    @Override
    public void close() {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  private static final class Rest extends RawClient {
    private final RestClient client;

    Rest(String header, String value) {
      super(header, value);
      JdkClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(
          HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
      factory.setReadTimeout(Duration.ofSeconds(30));
      client = RestClient.builder().requestFactory(factory).build();
    }

    @Override
    public CallReply get(URI uri) {
      return client.get().uri(uri).header(header, value).exchange((request, response) ->
          new CallReply(response.getStatusCode().value(), springHeaders(response.getHeaders()),
              response.getBody().readAllBytes()));
    }
  }

  private static final class Template extends RawClient {
    private final RestTemplate template;

    Template(String header, String value) {
      super(header, value);
      SimpleClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory();
      factory.setConnectTimeout(5_000);
      factory.setReadTimeout(30_000);
      template = new RestTemplate(factory);
      template.setErrorHandler(new ResponseErrorHandler() {
        @Override
        public boolean hasError(ClientHttpResponse response) {
          return false;
        }
      });
    }

    @Override
    public CallReply get(URI uri) {
      return template.execute(uri, org.springframework.http.HttpMethod.GET,
          request -> request.getHeaders().set(header, value),
          response -> new CallReply(response.getStatusCode().value(), springHeaders(response.getHeaders()),
              response.getBody().readAllBytes()));
    }
  }

  private static final class Reactive extends RawClient {
    private final ConnectionProvider connections = ConnectionProvider.builder("raw-webclient")
        .maxConnections(1000).pendingAcquireMaxCount(-1).build();
    private final WebClient client = WebClient.builder()
        .clientConnector(new ReactorClientHttpConnector(
            reactor.netty.http.client.HttpClient.create(connections).responseTimeout(Duration.ofSeconds(30))))
        .build();

    Reactive(String header, String value) {
      super(header, value);
    }

    @Override
    public CallReply get(URI uri) {
      return client.get().uri(uri).header(header, value)
          .exchangeToMono(response -> response.toEntity(byte[].class))
          .map(e -> new CallReply(e.getStatusCode().value(), springHeaders(e.getHeaders()), e.getBody()))
          .block(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
      connections.dispose();
    }
  }
}
