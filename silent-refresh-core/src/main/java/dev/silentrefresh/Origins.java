package dev.silentrefresh;

import java.net.URI;
import java.util.Locale;

/** Origins ({@code scheme://host:port}, RFC 6454) with default ports made explicit. */
final class Origins {
  private Origins() {}

  /** The origin of {@code uri}, or null when it has no scheme or host. Never includes path or query. */
  static URI originOf(URI uri) {
    if (uri == null || uri.getScheme() == null || uri.getHost() == null) return null;
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    if (port == -1) port = scheme.equals("https") ? 443 : scheme.equals("http") ? 80 : -1;
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    return URI.create(scheme + "://" + host + (port == -1 ? "" : ":" + port));
  }
}
