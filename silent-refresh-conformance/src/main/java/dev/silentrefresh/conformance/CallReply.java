package dev.silentrefresh.conformance;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A reply as the caller of an adapter sees it. */
public final class CallReply {
  private final int status;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  public CallReply(int status, Map<String, List<String>> headers, byte[] body) {
    this.status = status;
    Map<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (headers != null) headers.forEach((k, v) -> { if (k != null) h.put(k, v); });
    this.headers = Collections.unmodifiableMap(h);
    this.body = body == null ? new byte[0] : body;
  }

  public int status() {
    return status;
  }

  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public byte[] bytes() {
    return body.clone();
  }

  public String body() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "CallReply{" + status + ", " + body.length + " bytes}";
  }
}
