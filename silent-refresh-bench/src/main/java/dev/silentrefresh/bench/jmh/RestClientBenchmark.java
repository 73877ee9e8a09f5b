package dev.silentrefresh.bench.jmh;

import dev.silentrefresh.spring.RestRefreshInterceptor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * The Spring adapter's per-request work on {@code RestClient} (RestTemplate runs the same interceptor): a request
 * through {@link RestRefreshInterceptor} on the adapter's safe {@code java.net.http} request factory, over a client
 * that answers at once ({@link StubHttpClient}), against {@code raw}: Spring's own factory over the same client,
 * no interceptor, the header set by hand; and {@code rawIntercepted}: the same with one interceptor that sets the
 * header, the least any interceptor costs (Spring buffers an intercepted request's body, and runs its chain).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RestClientBenchmark {
  private static final String HEADER_VALUE = "Bearer " + SignedInSession.ACCESS_TOKEN;
  private RestClient library;
  private RestClient raw;
  private RestClient rawIntercepted;

  @Setup
  public void setUp() {
    StubHttpClient stub = new StubHttpClient();
    raw = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(stub)).build();
    rawIntercepted = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory(stub))
        .requestInterceptor((request, body, execution) -> {
          request.getHeaders().set("Authorization", HEADER_VALUE);
          return execution.execute(request, body);
        })
        .build();
    library = RestRefreshInterceptor.install(RestClient.builder(), RestRefreshInterceptor.requestFactory(stub),
        SignedInSession.create()).build();
  }

  @Benchmark
  public Integer library() {
    return library.get().uri(SignedInSession.API).exchange((request, response) -> response.getBody().read());
  }

  @Benchmark
  public Integer rawIntercepted() {
    return rawIntercepted.get().uri(SignedInSession.API).exchange((request, response) -> response.getBody().read());
  }

  @Benchmark
  public Integer raw() {
    return raw.get().uri(SignedInSession.API).header("Authorization", HEADER_VALUE)
        .exchange((request, response) -> response.getBody().read());
  }
}
