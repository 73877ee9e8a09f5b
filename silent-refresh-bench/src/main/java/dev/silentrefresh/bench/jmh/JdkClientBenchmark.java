package dev.silentrefresh.bench.jmh;

import dev.silentrefresh.jdk.JdkRefreshClient;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The JDK adapter's per-request work: {@link JdkRefreshClient#send} over a client that answers at once, against
 * {@code raw}, the same request built with the header by hand and sent on the same client. Both build their request.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class JdkClientBenchmark {
  private static final String HEADER_VALUE = "Bearer " + SignedInSession.ACCESS_TOKEN;
  private HttpClient stub;
  private HttpClient library;

  @Setup
  public void setUp() {
    stub = new StubHttpClient();
    library = JdkRefreshClient.wrap(stub, SignedInSession.create());
  }

  @Benchmark
  public HttpResponse<byte[]> library() throws IOException, InterruptedException {
    return library.send(HttpRequest.newBuilder(SignedInSession.API).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Benchmark
  public HttpResponse<byte[]> raw() throws IOException, InterruptedException {
    return stub.send(HttpRequest.newBuilder(SignedInSession.API).header("Authorization", HEADER_VALUE).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }
}
