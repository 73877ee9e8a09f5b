package dev.silentrefresh.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Medians, spreads and percentiles of a scenario's samples. */
final class Stats {
  private Stats() {}

  static double median(List<Double> values) {
    if (values.isEmpty()) return Double.NaN;
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** {@code {"median":…,"min":…,"max":…,"runs":n}}, rounded to {@code digits} decimals. */
  static Map<String, Object> spread(List<Double> values, int digits) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("median", round(median(values), digits));
    m.put("min", round(values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN), digits));
    m.put("max", round(values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN), digits));
    m.put("runs", values.size());
    return m;
  }

  static double round(double value, int digits) {
    if (Double.isNaN(value) || Double.isInfinite(value)) return value;
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  /** Nearest-rank percentile of sorted nanosecond values, in milliseconds (one decimal). */
  static double percentileMillis(long[] sortedNanos, double percentile) {
    if (sortedNanos.length == 0) return 0;
    int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length);
    return round(sortedNanos[Math.max(0, rank - 1)] / (double) TimeUnit.MILLISECONDS.toNanos(1), 1);
  }
}
