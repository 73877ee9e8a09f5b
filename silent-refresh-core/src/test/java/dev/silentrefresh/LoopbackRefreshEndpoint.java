package dev.silentrefresh;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A refresh endpoint on the loopback interface (the JDK's own HTTP server) that answers every call
 * with the reply the test set last: its status, headers and body bytes as they are.
 */
final class LoopbackRefreshEndpoint implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();
  private volatile FuzzedRefreshReply reply;

  LoopbackRefreshEndpoint() throws IOException {
    // Headers and body go out as separate writes: without TCP_NODELAY each reply waits ~40 ms for a delayed ACK.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::answer);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  /** The reply to give from now on. */
  void answerWith(FuzzedRefreshReply next) {
    reply = next;
  }

  int calls() {
    return calls.get();
  }

  private void answer(HttpExchange exchange) throws IOException {
    calls.incrementAndGet();
    FuzzedRefreshReply r = reply;
    exchange.getRequestBody().readAllBytes();
    for (Map.Entry<String, List<String>> h : r.headers.entrySet()) {
      try {
        exchange.getResponseHeaders().put(h.getKey(), h.getValue());
      } catch (IllegalArgumentException unsendable) {
        // a value no HTTP server can send (a line break): the reply goes without it
      }
    }
    boolean bodiless = r.status == 204 || r.status == 304;
    exchange.sendResponseHeaders(r.status, bodiless ? -1 : r.body.length == 0 ? -1 : r.body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!bodiless) out.write(r.body);
    } catch (IOException clientStoppedReading) {
      // the client reads no more than the limit it accepts
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
