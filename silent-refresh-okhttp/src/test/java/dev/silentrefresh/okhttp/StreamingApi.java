package dev.silentrefresh.okhttp;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback API streaming JSON lines (chunked, no Content-Length) that never ends by itself: two
 * lines, then one more per {@link #more} permit, until closed. A request carrying {@link #rejectedToken}
 * in {@link #tokenHeader} gets the "expired" line {@code {"code":50014}} first, then the same stream.
 */
final class StreamingApi implements AutoCloseable {
  final CountDownLatch firstChunk = new CountDownLatch(1); // held until counted down when stallFirstChunk
  final Semaphore more = new Semaphore(0);
  final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final HttpServer server;
  volatile boolean stallFirstChunk;
  volatile String tokenHeader = "X-Token";
  volatile String rejectedToken;

  StreamingApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(threads);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      boolean rejected = rejectedToken != null && rejectedToken.equals(exchange.getRequestHeaders().getFirst(tokenHeader));
      exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().flush(); // headers now: some JDKs hold them until the first body bytes
      try (OutputStream out = exchange.getResponseBody()) {
        if (stallFirstChunk) await(firstChunk);
        if (rejected) line(out, "{\"code\":50014,\"message\":\"token expired\"}");
        line(out, "{\"code\":0,\"n\":0}");
        line(out, "{\"code\":0,\"n\":1}");
        for (int n = 2; closed.getCount() > 0; n++) {
          if (!more.tryAcquire(100, TimeUnit.MILLISECONDS)) continue; // look at closed again
          line(out, "{\"code\":0,\"n\":" + n + "}");
        }
      } catch (IOException | InterruptedException e) {
        // the client went away, or the server is closing
      }
    });
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  URI origin() {
    return uri("");
  }

  private void await(CountDownLatch latch) throws InterruptedException {
    while (closed.getCount() > 0 && !latch.await(100, TimeUnit.MILLISECONDS)) {
      // look at closed again
    }
  }

  private static void line(OutputStream out, String json) throws IOException {
    out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    threads.shutdownNow();
  }
}
