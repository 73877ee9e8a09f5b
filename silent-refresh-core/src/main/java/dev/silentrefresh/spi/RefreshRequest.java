package dev.silentrefresh.spi;

import dev.silentrefresh.internal.Origins;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A refresh call built by core for a {@link RefreshTransport}. It carries the refresh token (in its
 * URL, a header or its body), so {@link #toString()} shows only the method and origin.
 */
public final class RefreshRequest {
  private final String method;
  private final URI uri;
  private final Map<String, String> headers;
  private final byte @Nullable [] body;
  private final int maxReplyBytes;
  private final Duration timeout;

  public RefreshRequest(String method, URI uri, Map<String, String> headers, byte @Nullable [] body, int maxReplyBytes, Duration timeout) {
    this.method = method;
    this.uri = uri;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    this.body = body;
    this.maxReplyBytes = maxReplyBytes;
    this.timeout = timeout;
  }

  /** {@code POST}, {@code PUT}, {@code PATCH} or {@code GET}. */
  public String method() {
    return method;
  }

  public URI uri() {
    return uri;
  }

  /** Headers to send, {@code Content-Type} and {@code Accept} included. */
  public Map<String, String> headers() {
    return headers;
  }

  /** The body, or null for none. The array is a copy. */
  public byte @Nullable [] body() {
    return body == null ? null : body.clone();
  }

  /** The largest reply body core accepts; a transport need not read more than one byte beyond it. */
  public int maxReplyBytes() {
    return maxReplyBytes;
  }

  /** How long the whole call may take; core also enforces it. Transports should apply it to their call. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public String toString() {
    return "RefreshRequest{" + method + " " + Origins.originOf(uri) + " <path redacted>}";
  }
}
