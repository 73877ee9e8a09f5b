package dev.silentrefresh.spring;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/** A second loopback origin for tests: records what it was sent, redirects, or streams a chunked JSON body. */
final class Loopback implements AutoCloseable {
  final Map<String, Map<String, List<String>>> seen = new ConcurrentHashMap<>();
  private final HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);

  private Loopback(Handler handler) {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", exchange -> {
      try (exchange) {
        seen.put(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()));
        exchange.getRequestBody().readAllBytes();
        handler.handle(exchange);
      }
    });
    server.setExecutor(Executors.newCachedThreadPool(r -> { // a thread per exchange: one that waits holds up no other
      Thread t = new Thread(r, "loopback");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  private interface Handler {
    void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException;
  }

  /** Answers 200 {@code {"ok":true}} and records each request's headers by path. */
  static Loopback recording() {
    return new Loopback(exchange -> {
      byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
    });
  }

  /** Never answers: each request waits until the server is closed. */
  static Loopback hanging() {
    Loopback[] self = new Loopback[1];
    self[0] = new Loopback(exchange -> self[0].awaitClose());
    return self[0];
  }

  /**
   * Answers 200 chunked JSON lines: first {@code head} (an empty array: none, the first chunk waits), then
   * nothing more until the server is closed; requests that carry {@code rejectedToken} in any header get
   * {@code rejectedLine} first instead. A caller can read the head while the stream is still open.
   */
  static Loopback streamingJsonLines(String rejectedToken, String rejectedLine, String... head) {
    return streamingJsonLines(rejectedToken, rejectedLine, false, head);
  }

  /**
   * As {@link #streamingJsonLines(String, String, String...)}; when {@code rejectionStreamsOn}, a rejected
   * request's stream, too, stays open after {@code rejectedLine} until the server is closed.
   */
  static Loopback streamingJsonLines(String rejectedToken, String rejectedLine, boolean rejectionStreamsOn,
      String... head) {
    Loopback[] self = new Loopback[1];
    self[0] = new Loopback(exchange -> {
      boolean rejected = rejectedToken != null && exchange.getRequestHeaders().values().stream()
          .flatMap(List::stream).anyMatch(v -> v.contains(rejectedToken));
      exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
      exchange.sendResponseHeaders(200, 0);
      exchange.getResponseBody().flush(); // headers now: Temurin 25's HttpServer holds them until body bytes
      OutputStream out = exchange.getResponseBody();
      for (String line : rejected ? new String[] {rejectedLine} : head) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      if (!rejected || rejectionStreamsOn) self[0].awaitClose();
    });
    return self[0];
  }

  /** Ends the streams (and releases the hung requests) without closing the server. */
  void endStreams() {
    released.countDown();
  }

  private void awaitClose() {
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Answers 302 to the same path on {@code target}. */
  static Loopback redirectingTo(Loopback target) {
    return new Loopback(exchange -> {
      exchange.getResponseHeaders().add("Location", target.uri(exchange.getRequestURI().getPath()).toString());
      exchange.sendResponseHeaders(302, -1);
    });
  }

  /** Answers 200 with {@code body} as chunked JSON (no Content-Length), in 8 KiB writes. */
  static Loopback chunkedJson(byte[] body) {
    return new Loopback(exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (int at = 0; at < body.length; at += 8192) {
        out.write(body, at, Math.min(8192, body.length - at));
        out.flush();
      }
    });
  }

  URI origin() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  URI uri(String path) {
    return origin().resolve(path);
  }

  /** True when the request to {@code path} arrived here carrying header {@code name} (any case). */
  boolean sawHeader(String path, String name) {
    Map<String, List<String>> headers = seen.get(path);
    return headers != null && headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase(name));
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }

  /** A JSON body of about {@code bytes} bytes: {@code {"items":[0,1,…],"code":0}}. */
  static byte[] bigJson(int bytes) {
    StringBuilder sb = new StringBuilder("{\"items\":[0");
    for (int i = 1; sb.length() < bytes; i++) sb.append(',').append(i);
    return sb.append("],\"code\":0}").toString().getBytes(StandardCharsets.UTF_8);
  }
}
