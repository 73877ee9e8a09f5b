package dev.silentrefresh.testkit;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.jspecify.annotations.Nullable;

/**
 * A "foreign" HTTP server that records every request it gets (method, path, query, headers) and answers each
 * with {@code 200 {"recorded":true}}. Point a redirect from {@link AuthServer}'s {@code /api/redirect?to=...}
 * here, or send requests here directly, then assert that no request arrived carrying a token:
 *
 * <pre>{@code
 * try (RecordingServer foreign = RecordingServer.start()) {
 *   URI redirect = auth.apiUri("/api/redirect?to=" + URLEncoder.encode(foreign.uri("/x").toString(), UTF_8));
 *   ... client follows the redirect ...
 *   assertThat(foreign.requestCount()).isEqualTo(1);
 *   assertThat(foreign.requestsCarrying(accessToken)).isZero();
 * }
 * }</pre>
 *
 * Listens on 127.0.0.1, a random port: a different origin from any {@link AuthServer}. Thread-safe; requests are
 * recorded before the reply is sent. {@link #toString()} and {@link RecordedRequest#toString()} never show
 * header values.
 */
public final class RecordingServer implements AutoCloseable {
  private static final byte[] BODY = "{\"recorded\":true}".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_BODY = 64 * 1024;

  private final Server server;
  private final URI baseUri;
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private RecordingServer() {
    this.server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract(Handler.Abstract.InvocationType.BLOCKING) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        record(request);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Reply.JSON);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, BODY.length);
        response.write(true, ByteBuffer.wrap(BODY).asReadOnlyBuffer(), callback);
        return true;
      }
    });
    server.setStopTimeout(0);
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new IllegalStateException("cannot start the recording server: " + e, e);
    }
    this.baseUri = URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /** Starts a recording server on 127.0.0.1 and a random free port. */
  public static RecordingServer start() {
    return new RecordingServer();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public URI baseUri() {
    return baseUri;
  }

  /** An absolute URI on this server, e.g. {@code uri("/landing")}. */
  public URI uri(String path) {
    Objects.requireNonNull(path, "path");
    return baseUri.resolve(path.startsWith("/") ? path : "/" + path);
  }

  /** Every request received so far, in arrival order (a snapshot). */
  public List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** How many requests arrived so far. */
  public int requestCount() {
    return requests.size();
  }

  /** How many requests carried {@code value} anywhere: in a header's value, the path, the query or the body. */
  public long requestsCarrying(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("value must not be empty");
    }
    return requests.stream().filter(r -> r.carries(value)).count();
  }

  /** How many requests had a header {@code name} (case-insensitive), whatever its value. */
  public long requestsWithHeader(String name) {
    Objects.requireNonNull(name, "name");
    return requests.stream().filter(r -> r.header(name) != null).count();
  }

  /** Forgets the requests recorded so far. */
  public void clear() {
    requests.clear();
  }

  /** Stops the server and frees its port. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        server.stop();
      } catch (Exception e) {
        // best effort
      }
    }
  }

  @Override
  public String toString() {
    return "RecordingServer[" + baseUri + ", " + requests.size() + " requests]";
  }

  private void record(Request request) throws java.io.IOException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (HttpField f : request.getHeaders()) {
      headers.computeIfAbsent(f.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.getValue());
    }
    byte[] body = Content.Source.asInputStream(request).readNBytes(MAX_BODY);
    requests.add(new RecordedRequest(request.getMethod(), Request.getPathInContext(request),
        request.getHttpURI().getQuery(), headers, body));
  }

  /** One request as received. Immutable. */
  public static final class RecordedRequest {
    private final String method;
    private final String path;
    private final String query;
    private final Map<String, List<String>> headers;
    private final byte[] body;

    RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
      this.method = method;
      this.path = path;
      this.query = query;
      Map<String, List<String>> copy = new LinkedHashMap<>();
      headers.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      this.headers = Collections.unmodifiableMap(copy);
      this.body = body;
    }

    public String method() {
      return method;
    }

    /** The decoded path. */
    public String path() {
      return path;
    }

    /** The raw query string, or null. */
    public @Nullable String query() {
      return query;
    }

    /** The first value of header {@code name} (case-insensitive), or null. */
    public @Nullable String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Every header by lower-case name. */
    public Map<String, List<String>> headers() {
      return headers;
    }

    /** The request body (at most 64 KiB of it). */
    public byte[] body() {
      return body.clone();
    }

    boolean carries(String value) {
      if (path != null && path.contains(value) || query != null && query.contains(value)) {
        return true;
      }
      if (new String(body, StandardCharsets.UTF_8).contains(value)) {
        return true;
      }
      return headers.values().stream().flatMap(List::stream).anyMatch(v -> v.contains(value));
    }

    /** Method, path and header names only: never values, which may be tokens. */
    @Override
    public String toString() {
      return "RecordedRequest[" + method + " " + path + (query == null ? "" : "?<query>") + ", headers="
          + headers.keySet() + "]";
    }
  }
}
