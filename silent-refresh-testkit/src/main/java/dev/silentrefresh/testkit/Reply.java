package dev.silentrefresh.testkit;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP reply decided by the server logic, written out by {@link AuthHandler}. Immutable. */
final class Reply {
  static final String JSON = "application/json";

  final int status;
  final String contentType; // null: no body
  final byte[] body;
  final Map<String, String> headers;

  private Reply(int status, String contentType, byte[] body, Map<String, String> headers) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = headers;
  }

  static Reply json(int status, String json) {
    return of(status, JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  static Reply of(int status, String contentType, byte[] body) {
    return new Reply(status, contentType, body, Map.of());
  }

  static Reply empty(int status) {
    return new Reply(status, null, new byte[0], Map.of());
  }

  Reply withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Reply(status, contentType, body, Map.copyOf(h));
  }

  /** The same reply with the body cut to its first half (Content-Length follows the cut body). */
  Reply truncated() {
    byte[] half = new byte[body.length / 2];
    System.arraycopy(body, 0, half, 0, half.length);
    return new Reply(status, contentType, half, headers);
  }
}
