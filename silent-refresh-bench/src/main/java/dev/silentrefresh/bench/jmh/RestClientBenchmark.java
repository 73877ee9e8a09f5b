package dev.silentrefresh.bench.jmh;

import dev.silentrefresh.spring.RestRefreshInterceptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.AbstractClientHttpRequest;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

/**
 * The Spring adapter's per-request work on {@code RestClient} (RestTemplate runs the same interceptor): a request
 * through {@link RestRefreshInterceptor} to a request factory that answers at once, against {@code raw}, the same
 * client without the interceptor and the header set by hand.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RestClientBenchmark {
  private static final String HEADER_VALUE = "Bearer " + SignedInSession.ACCESS_TOKEN;
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);
  private RestClient library;
  private RestClient raw;

  @Setup
  public void setUp() {
    ClientHttpRequestFactory stub = StubRequest::new;
    raw = RestClient.builder().requestFactory(stub).build();
    library = RestClient.builder().requestFactory(stub)
        .requestInterceptor(RestRefreshInterceptor.of(SignedInSession.create())).build();
  }

  @Benchmark
  public Integer library() {
    return library.get().uri(SignedInSession.API).exchange((request, response) -> response.getBody().read());
  }

  @Benchmark
  public Integer raw() {
    return raw.get().uri(SignedInSession.API).header("Authorization", HEADER_VALUE)
        .exchange((request, response) -> response.getBody().read());
  }

  /** A request whose execution answers 200 with {@code {}}. */
  private static final class StubRequest extends AbstractClientHttpRequest {
    private final URI uri;
    private final HttpMethod method;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream(0);

    StubRequest(URI uri, HttpMethod method) {
      this.uri = uri;
      this.method = method;
    }

    @Override
    public HttpMethod getMethod() {
      return method;
    }

    @Override
    public URI getURI() {
      return uri;
    }

    @Override
    protected OutputStream getBodyInternal(HttpHeaders headers) {
      return body;
    }

    @Override
    protected ClientHttpResponse executeInternal(HttpHeaders headers) {
      return new ClientHttpResponse() {
        private final HttpHeaders replyHeaders = new HttpHeaders();

        {
          replyHeaders.setContentType(MediaType.APPLICATION_JSON);
        }

        @Override
        public HttpStatusCode getStatusCode() {
          return HttpStatus.OK;
        }

        @Override
        public String getStatusText() {
          return "OK";
        }

        @Override
        public HttpHeaders getHeaders() {
          return replyHeaders;
        }

        @Override
        public InputStream getBody() {
          return new ByteArrayInputStream(BODY);
        }

        @Override
        public void close() {}
      };
    }
  }
}
