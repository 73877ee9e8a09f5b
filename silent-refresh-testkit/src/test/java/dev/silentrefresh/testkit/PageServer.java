package dev.silentrefresh.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Static files for a browser test on a loopback origin of their own (127.0.0.1, a random port): another origin
 * than any {@link AuthServer}. Serves {@code GET /<name>} from a fixed map of names to bytes; anything else is 404.
 */
final class PageServer implements AutoCloseable {
  private final HttpServer server;
  private final URI baseUri;

  private PageServer(Map<String, Asset> files) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/", exchange -> {
      Asset file = files.get(exchange.getRequestURI().getPath().substring(1));
      try (exchange) {
        if (file == null || !"GET".equals(exchange.getRequestMethod())) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        exchange.getResponseHeaders().set("Content-Type", file.contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(200, file.bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(file.bytes);
        }
      }
    });
    server.start();
    baseUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** One asset: its bytes and content type. */
  record Asset(byte[] bytes, String contentType) {
    static Asset resource(String name, String contentType) {
      return new Asset(BrowserRig.resource(name), contentType);
    }

    static Asset path(Path path, String contentType) {
      try {
        return new Asset(Files.readAllBytes(path), contentType);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static PageServer start(Map<String, Asset> files) throws IOException {
    return new PageServer(Map.copyOf(files));
  }

  /** {@code http://127.0.0.1:PORT/}. */
  URI baseUri() {
    return baseUri;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
