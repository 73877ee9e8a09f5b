package dev.silentrefresh.bench;

import dev.silentrefresh.conformance.Clients;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The least latest.json must hold (issue 11's schema): overhead ratios for the five clients; herd rows with client,
 * concurrency, refresh calls and p99; steady state's proactive and reactive rejected round trips, refresh calls and
 * lifetimes; the fleet's processes, expiries and refresh calls; peer rows with name, scenario, refresh calls,
 * failed requests and sessions lost. A scenario left out of a run ({@code --only}) is not looked for.
 */
final class LatestJson {
  private LatestJson() {}

  /** What {@code results} lacks, one line each; empty when it has the schema. */
  @SuppressWarnings("unchecked")
  static List<String> problems(Map<String, Object> results) {
    List<String> p = new ArrayList<>();
    if (results.containsKey("overhead")) {
      Map<String, Object> overhead = (Map<String, Object>) results.get("overhead");
      for (Clients c : Clients.values()) number(p, overhead, c.id(), "overhead");
    }
    if (results.containsKey("herd")) rows(p, results, "herd", "client", "concurrency", "refreshCalls", "p99Millis");
    if (results.containsKey("steady")) {
      Map<String, Object> steady = (Map<String, Object>) results.get("steady");
      for (String mode : List.of("proactive", "reactive")) {
        Object m = steady.get(mode);
        if (!(m instanceof Map)) {
          p.add("steady." + mode + " is missing");
          continue;
        }
        for (String k : List.of("rejected", "refreshCalls", "lifetimes")) number(p, (Map<String, Object>) m, k,
            "steady." + mode);
      }
    }
    if (results.containsKey("fleet")) {
      Map<String, Object> fleet = (Map<String, Object>) results.get("fleet");
      number(p, fleet, "processes", "fleet");
      if (!fleet.containsKey("skipped")) for (String k : List.of("expiries", "refreshCalls")) number(p, fleet, k, "fleet");
    }
    if (results.containsKey("peers")) rows(p, results, "peers", "name", "scenario", "refreshCalls", "failed",
        "sessionsLost");
    return p;
  }

  private static void rows(List<String> p, Map<String, Object> results, String key, String... fields) {
    List<Map<String, Object>> rows = Json.rows(results, key);
    if (rows.isEmpty()) p.add(key + " has no rows");
    for (int i = 0; i < rows.size(); i++) {
      for (String f : fields) {
        if (rows.get(i).get(f) == null) p.add(key + "[" + i + "]." + f + " is missing");
      }
    }
  }

  private static void number(List<String> p, Map<String, Object> m, String key, String where) {
    if (!(m.get(key) instanceof Number)) p.add(where + "." + key + " is not a number");
  }
}
