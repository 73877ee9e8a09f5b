package dev.silentrefresh.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/** The reply to a {@link RefreshRequest}, as a transport received it. */
public final class RefreshReply {
  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  private RefreshReply(int status, Map<String, List<String>> headers, byte[] body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /**
   * @param headers reply headers by name (any case); may be empty
   * @param body the body bytes read (see {@link #readBounded}); null for none
   */
  public static RefreshReply of(int status, @Nullable Map<String, List<String>> headers, byte @Nullable [] body) {
    Map<String, List<String>> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey() == null) continue; // status line in HttpURLConnection-style maps
        copy.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue());
      }
    }
    return new RefreshReply(status, Collections.unmodifiableMap(copy), body == null ? new byte[0] : body);
  }

  /**
   * Reads at most {@code limit + 1} bytes of {@code in} and closes it: enough for core to tell a
   * body over the limit without reading a huge one.
   */
  public static byte[] readBounded(InputStream in, int limit) throws IOException {
    try (InputStream stream = in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit + 1, 8192));
      byte[] buf = new byte[8192];
      int total = 0;
      while (total <= limit) {
        int n = stream.read(buf, 0, Math.min(buf.length, limit + 1 - total));
        if (n < 0) break;
        out.write(buf, 0, n);
        total += n;
      }
      return out.toByteArray();
    }
  }

  public int status() {
    return status;
  }

  /** The first value of header {@code name} (any case), or null. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The body bytes (a copy). */
  public byte[] body() {
    return body.clone();
  }

  /** The number of body bytes read. */
  public int bodyLength() {
    return body.length;
  }

  byte[] bodyUnsafe() {
    return body;
  }

  /** True when the reply says it is JSON (or plain text), or says nothing of its type. */
  public boolean isJson() {
    String type = header("Content-Type");
    if (type == null) return true; // try anyway; parsing tells
    String t = type.toLowerCase(Locale.ROOT);
    return t.contains("json") || t.startsWith("text/plain");
  }

  @Override
  public String toString() {
    return "RefreshReply{status=" + status + ", " + body.length + " bytes}";
  }
}
