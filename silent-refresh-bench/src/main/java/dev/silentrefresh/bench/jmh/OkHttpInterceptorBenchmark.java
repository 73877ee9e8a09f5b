package dev.silentrefresh.bench.jmh;

import dev.silentrefresh.okhttp.OkHttpRefreshInterceptor;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The OkHttp adapter's per-request work: {@link OkHttpRefreshInterceptor#intercept} over a chain whose
 * {@code proceed} answers 200 at once, against {@code raw}, the interceptor people write by hand (set the header,
 * proceed). The difference is what the adapter adds per request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class OkHttpInterceptorBenchmark {
  private static final ResponseBody BODY = ResponseBody.create("{}", MediaType.get("application/json"));
  private static final String HEADER_VALUE = "Bearer " + SignedInSession.ACCESS_TOKEN;

  private Interceptor library;
  private Interceptor raw;
  private StubChain chain;

  @Setup
  public void setUp() {
    OkHttpClient client = OkHttpRefreshInterceptor.install(new OkHttpClient.Builder(), SignedInSession.create()).build();
    library = client.interceptors().get(0);
    raw = c -> c.proceed(c.request().newBuilder().header("Authorization", HEADER_VALUE).build());
    Request request = new Request.Builder().url(SignedInSession.API.toString()).build();
    chain = new StubChain(request, client.newCall(request));
  }

  @Benchmark
  public Response library() throws IOException {
    return library.intercept(chain);
  }

  @Benchmark
  public Response raw() throws IOException {
    return raw.intercept(chain);
  }

  /** The rest of OkHttp's chain, answering every request with a 200 and an empty JSON body. */
  private static final class StubChain implements Interceptor.Chain {
    private final Request request;
    private final Call call;

    StubChain(Request request, Call call) {
      this.request = request;
      this.call = call;
    }

    @Override
    public Request request() {
      return request;
    }

    @Override
    public Response proceed(Request sent) {
      return new Response.Builder().request(sent).protocol(Protocol.HTTP_1_1).code(200).message("OK").body(BODY)
          .build();
    }

    @Override
    public Connection connection() {
      return null;
    }

    @Override
    public Call call() {
      return call;
    }

    @Override
    public int connectTimeoutMillis() {
      return 10_000;
    }

    @Override
    public Interceptor.Chain withConnectTimeout(int timeout, TimeUnit unit) {
      return this;
    }

    @Override
    public int readTimeoutMillis() {
      return 10_000;
    }

    @Override
    public Interceptor.Chain withReadTimeout(int timeout, TimeUnit unit) {
      return this;
    }

    @Override
    public int writeTimeoutMillis() {
      return 10_000;
    }

    @Override
    public Interceptor.Chain withWriteTimeout(int timeout, TimeUnit unit) {
      return this;
    }
  }
}
