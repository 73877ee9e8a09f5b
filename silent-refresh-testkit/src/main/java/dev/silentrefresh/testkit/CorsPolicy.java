package dev.silentrefresh.testkit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpFields;

/**
 * The CORS headers of every reply, so that a browser front end on another origin can use the server as the
 * front ends of each dialect do: with credentials ({@code withCredentials: true}), custom token headers and
 * reading the headers a client must read.
 *
 * <ul>
 *   <li>A request with an allowed {@code Origin} gets that origin back with {@code Access-Control-Allow-Credentials:
 *     true}. Allowed: every loopback origin ({@code http(s)://} on {@code localhost}, {@code 127.0.0.0/8} or
 *     {@code [::1]}, any port), plus the configured ones; the origin {@code *} allows every origin.</li>
 *   <li>Any other origin gets no {@code Access-Control-Allow-Origin}: the browser keeps the reply from the page.</li>
 *   <li>A request without {@code Origin} (not a browser's cross-origin request) gets {@code *}.</li>
 * </ul>
 *
 * Every reply says {@code Vary: Origin}. Immutable; used by the request threads.
 */
final class CorsPolicy {
  /** What the front ends of the dialects send: bearer or custom token headers, JSON, and code-401's flags. */
  static final String ALLOW_HEADERS = "Authorization, Content-Type, X-Token, token, isToken, repeatSubmit, X-Requested-With";
  static final String ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS";
  /** What a client must read beyond the CORS-safelisted reply headers: the rejection, the backoff, the server time. */
  static final String EXPOSE_HEADERS = "WWW-Authenticate, Retry-After, Date";
  private static final String ANY = "*";
  private static final String PREFLIGHT_MAX_AGE_SECONDS = "600";

  private final Set<String> origins;

  private CorsPolicy(Set<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  /** Loopback origins, plus {@code extraOrigins} (each {@code scheme://host[:port]}, or {@code *} for any). */
  static CorsPolicy allowing(Iterable<String> extraOrigins) {
    Set<String> normalized = new LinkedHashSet<>();
    for (String origin : extraOrigins) {
      normalized.add(normalize(origin));
    }
    return new CorsPolicy(normalized);
  }

  /**
   * {@code origin} as compared with a request's {@code Origin}: {@code *}, or {@code scheme://host[:port]} in lower
   * case.
   *
   * @throws IllegalArgumentException when it is neither (a path, a query, no host, not http or https)
   */
  static String normalize(String origin) {
    if (origin.equals(ANY)) {
      return ANY;
    }
    URI uri = parse(origin);
    if (uri == null || uri.getHost() == null || !isHttp(uri.getScheme()) || uri.getRawUserInfo() != null
        || !(uri.getRawPath() == null || uri.getRawPath().isEmpty()) || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("a CORS origin is * or scheme://host[:port] (http or https, no path), not '"
          + origin + "'");
    }
    return origin.toLowerCase(Locale.ROOT);
  }

  /** Whether a page of {@code origin} (a request's {@code Origin} header) may read replies. */
  boolean allows(String origin) {
    return isLoopback(origin) || origins.contains(ANY) || origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  /** Puts the CORS headers for a request from {@code origin} (null: none) into {@code reply}. */
  void addTo(HttpFields.Mutable reply, String origin, boolean preflight) {
    reply.put("Vary", "Origin");
    if (origin == null) {
      reply.put("Access-Control-Allow-Origin", ANY);
    } else if (allows(origin)) {
      reply.put("Access-Control-Allow-Origin", origin);
      reply.put("Access-Control-Allow-Credentials", "true");
    } else {
      return;
    }
    reply.put("Access-Control-Allow-Headers", ALLOW_HEADERS);
    reply.put("Access-Control-Allow-Methods", ALLOW_METHODS);
    reply.put("Access-Control-Expose-Headers", EXPOSE_HEADERS);
    if (preflight) {
      reply.put("Access-Control-Max-Age", PREFLIGHT_MAX_AGE_SECONDS);
    }
  }

  /** {@code http(s)://} on localhost, 127.0.0.0/8 or [::1], any port. */
  static boolean isLoopback(String origin) {
    URI uri = parse(origin);
    if (uri == null || uri.getHost() == null || !isHttp(uri.getScheme())) {
      return false;
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return host.equals("localhost") || host.equals("[::1]") || host.matches("127(\\.\\d{1,3}){3}");
  }

  private static boolean isHttp(String scheme) {
    return "http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme);
  }

  private static URI parse(String text) {
    try {
      return new URI(text);
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
