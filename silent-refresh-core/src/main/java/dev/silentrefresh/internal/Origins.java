package dev.silentrefresh.internal;

import java.net.URI;
import java.util.Locale;

/** Origins ({@code scheme://host:port}, RFC 6454) with default ports made explicit. */
public final class Origins {
  private Origins() {}

  /** The origin of {@code uri}, or null when it has no scheme or host. Never includes path or query. */
  public static URI originOf(URI uri) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) return null;
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = port(uri);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return URI.create(scheme + "://" + host + (port == -1 ? "" : ":" + port));
  }

  /**
   * True when {@code uri} has the origin {@code origin} (as made by {@link #originOf}). Compares the
   * parts in place: this runs for every request, so it builds nothing.
   */
  public static boolean sameOrigin(URI origin, URI uri) {
    return uri.getScheme() != null && uri.getHost() != null
        && origin.getScheme().equalsIgnoreCase(uri.getScheme())
        && origin.getHost().equalsIgnoreCase(uri.getHost())
        && origin.getPort() == port(uri);
  }

  /** The port, with the scheme's default made explicit; -1 for an unknown scheme without one. */
  private static int port(URI uri) {
    int port = uri.getPort();
    if (port != -1) return port;
    String scheme = uri.getScheme();
    return "https".equalsIgnoreCase(scheme) ? 443 : "http".equalsIgnoreCase(scheme) ? 80 : -1;
  }
}
