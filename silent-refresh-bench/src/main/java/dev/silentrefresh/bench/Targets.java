package dev.silentrefresh.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The targets, each checked against a run's figures: met, or not, with the figure that decides. */
final class Targets {
  /** One target's verdict; {@code met} is null when the run did not measure it. */
  record Verdict(String target, String figure, Boolean met) {}

  /** The most a send may allocate: the header value's String and its bytes ("Bearer " + token), plus slack. */
  static final int SEND_PATH_BYTES = 24 + 16 + align8("Bearer ".length() + 240) + 64;
  static final double SEND_PATH_NANOS = 100;

  private Targets() {}

  @SuppressWarnings("unchecked")
  static List<Verdict> check(Map<String, Object> results) {
    List<Verdict> v = new ArrayList<>();
    for (Map<String, Object> r : Json.rows(results, "overheadDetails")) {
      Map<String, Object> spread = (Map<String, Object>) r.get("ratio");
      double ratio = num(spread.get("median"));
      double extra = num(r.get("extraBytes"));
      v.add(new Verdict("throughput ratio ≥ 0.99 (" + r.get("client") + ")", String.format(java.util.Locale.ROOT,
          "%.3f (%s–%s)", ratio, spread.get("min"), spread.get("max")), ratio >= 0.99));
      v.add(new Verdict("≤ 1 KB extra allocation per request, end to end (" + r.get("client") + ")",
          Math.round(extra) + " B", extra <= 1024));
    }
    for (Map<String, Object> row : Json.rows(results, "sendPath")) {
      String name = (String) row.get("benchmark");
      if (name.startsWith("SendPathBenchmark") && !name.endsWith("clockReads")) {
        double nanos = ((Number) row.get("nanosPerOp")).doubleValue();
        Number bytes = (Number) row.get("bytesPerOp");
        Double clocks = nanos(results, "SendPathBenchmark.clockReads");
        v.add(new Verdict("send path within a few tens of ns (" + name + ", " + row.get("threads") + " threads)",
            nanos + " ns" + (clocks == null ? "" : " (its two clock reads alone: " + clocks + " ns)"),
            nanos <= SEND_PATH_NANOS));
        v.add(new Verdict("send path allocation-free apart from the header value (" + name + ")",
            bytes + " B (header value ≈ " + (SEND_PATH_BYTES - 64) + " B)",
            bytes == null ? null : bytes.doubleValue() <= SEND_PATH_BYTES));
      }
    }
    for (String adapter : List.of("JdkClientBenchmark", "OkHttpInterceptorBenchmark", "RestClientBenchmark")) {
      Double library = bytes(results, adapter + ".library");
      Double raw = bytes(results, adapter + ".raw");
      if (library != null && raw != null) {
        Double intercepted = bytes(results, adapter + ".rawIntercepted");
        String share = intercepted == null ? "" : " (Spring's interceptor mechanism " + Math.round(intercepted - raw)
            + " B of it, the library " + Math.round(library - intercepted) + " B)";
        v.add(new Verdict("≤ 1 KB extra allocation per request, JMH (" + adapter + ")",
            Math.round(library - raw) + " B" + share, library - raw <= 1024));
      }
    }
    List<Map<String, Object>> herd = Json.rows(results, "herd");
    if (!herd.isEmpty()) {
      long off = herd.stream().filter(r -> num(r.get("refreshCalls")) != 1).count();
      v.add(new Verdict("exactly 1 refresh per expiry at every herd size", off + " of " + herd.size()
          + " herds made another number of refresh calls", off == 0));
      herd.stream().filter(r -> num(r.get("concurrency")) >= 10_000).forEach(r ->
          v.add(new Verdict("10,000 async waiters without a thread each (" + r.get("client") + ")",
              r.get("extraThreads") + " threads more at the peak, " + r.get("succeeded") + " of "
                  + r.get("concurrency") + " succeeded", num(r.get("extraThreads")) < 1_000
                  && num(r.get("failed")) == 0)));
    }
    Map<String, Object> fleet = (Map<String, Object>) results.get("fleet");
    if (fleet != null && fleet.get("expiries") != null) {
      v.add(new Verdict("exactly 1 refresh per expiry across the fleet", fleet.get("refreshCalls") + " refresh calls for "
          + fleet.get("expiries") + " expiries", num(fleet.get("refreshCalls")) == num(fleet.get("expiries"))));
    }
    Map<String, Object> steady = (Map<String, Object>) results.get("steady");
    if (steady != null && steady.get("proactive") != null) {
      Map<String, Object> p = (Map<String, Object>) steady.get("proactive");
      double rejected = ((Number) p.get("rejected")).doubleValue();
      double perLifetime = ((Number) ((Map<String, Object>) p.get("refreshPerLifetime")).get("median")).doubleValue();
      v.add(new Verdict("0 rejected round trips in steady state, proactive", String.valueOf(rejected), rejected == 0));
      v.add(new Verdict("≤ 1.3 refresh calls per token lifetime, proactive", String.valueOf(perLifetime),
          perLifetime <= 1.3));
    }
    return v;
  }

  private static Double nanos(Map<String, Object> results, String benchmark) {
    for (Map<String, Object> row : Json.rows(results, "sendPath")) {
      if (benchmark.equals(row.get("benchmark"))) return ((Number) row.get("nanosPerOp")).doubleValue();
    }
    return null;
  }

  @SuppressWarnings("unchecked")
  private static Double bytes(Map<String, Object> results, String benchmark) {
    for (Map<String, Object> row : Json.rows(results, "sendPath")) {
      if (benchmark.equals(row.get("benchmark")) && row.get("bytesPerOp") != null) {
        return ((Number) row.get("bytesPerOp")).doubleValue();
      }
    }
    return null;
  }

  private static double num(Object o) {
    return Charts.num(o);
  }

  private static int align8(int n) {
    return (n + 7) / 8 * 8;
  }
}
