package dev.silentrefresh.okhttp;

import java.net.URI;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * The origin ({@code scheme://host:port}) of a request's {@link HttpUrl} as the {@link URI} core judges scope by,
 * made once per origin: the last one is kept, so a client that talks to one API builds no {@code URI} per request
 * ({@link HttpUrl#uri()} re-parses the whole URL). Core reads only the origin of the URI it is given. Thread-safe:
 * a race at worst builds the same URI twice.
 */
final class OriginUri {
  private volatile @Nullable Entry last;

  URI of(HttpUrl url) {
    Entry e = last;
    if (e != null && e.matches(url)) return e.uri;
    Entry made = new Entry(url);
    last = made;
    return made.uri;
  }

  /** True when {@code a} and {@code b} have the same origin (HttpUrl keeps scheme and host canonical). */
  static boolean sameOrigin(HttpUrl a, HttpUrl b) {
    return hasOrigin(a, b.scheme(), b.host(), b.port());
  }

  private static boolean hasOrigin(HttpUrl url, String scheme, String host, int port) {
    return url.port() == port && url.host().equals(host) && url.scheme().equals(scheme);
  }

  private static final class Entry {
    final String scheme;
    final String host;
    final int port;
    final URI uri;

    Entry(HttpUrl url) {
      scheme = url.scheme();
      host = url.host();
      port = url.port();
      // HttpUrl.host() gives an IPv6 address without its brackets
      uri = URI.create(scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port);
    }

    boolean matches(HttpUrl url) {
      return hasOrigin(url, scheme, host, port);
    }
  }
}
