package dev.silentrefresh.conformance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;

/**
 * Spring's reply headers as the map {@link CallReply} takes. On Spring Framework 7.0 {@code HttpHeaders} is no
 * longer a {@code Map}; {@code headerSet()} is there, with the same signature, on 6.2 and 7.0, so these drivers
 * (built on 6.2) run on both.
 */
final class SpringHeaderMaps {
  private SpringHeaderMaps() {}

  static Map<String, List<String>> toMap(HttpHeaders headers) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> header : headers.headerSet()) {
      map.put(header.getKey(), new ArrayList<>(header.getValue()));
    }
    return map;
  }
}
