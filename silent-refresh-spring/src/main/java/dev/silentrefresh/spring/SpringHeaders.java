package dev.silentrefresh.spring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * What this module does with Spring's {@link HttpHeaders}, through methods that both Spring Framework 6.2 and
 * 7.0 have with the same binary signature. On 7.0 {@code HttpHeaders} is no longer a {@code Map} (nor a
 * {@code MultiValueMap}): passing it where a {@code Map} is expected, or calling {@code remove(Object)},
 * {@code keySet()}, {@code entrySet()} or {@code containsKey(Object)} on it, compiles against 6.2 and fails on 7.0
 * with an {@code IncompatibleClassChangeError} or a {@code NoSuchMethodError}. {@code headerSet()} (since 6.1.15)
 * and {@code addAll(String, List)} are the same on both.
 */
final class SpringHeaders {
  private SpringHeaders() {}

  /** A copy of {@code headers} as a plain map, one entry per header name. */
  static Map<String, List<String>> toMap(HttpHeaders headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> header : headers.headerSet()) {
      map.put(header.getKey(), new ArrayList<>(header.getValue()));
    }
    return map;
  }

  /** A copy of {@code headers} without the header {@code name} (in any case). */
  static HttpHeaders copyWithout(HttpHeaders headers, String name) {
    HttpHeaders copy = new HttpHeaders();
    for (Map.Entry<String, List<String>> header : headers.headerSet()) {
      if (!header.getKey().equalsIgnoreCase(name)) copy.addAll(header.getKey(), new ArrayList<>(header.getValue()));
    }
    return copy;
  }

  /** Removes the header {@code name} (in any case) from {@code headers}. */
  static void remove(HttpHeaders headers, String name) {
    headers.headerSet().removeIf(header -> header.getKey().equalsIgnoreCase(name));
  }
}
