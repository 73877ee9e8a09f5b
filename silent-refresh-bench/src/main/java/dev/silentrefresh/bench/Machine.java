package dev.silentrefresh.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The machine a run measured: cores, CPU model, memory, JDK, and how busy it was (load average). */
final class Machine {
  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
    String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
    m.put("memory", mem == null ? null : String.format(java.util.Locale.ROOT, "%.1f GiB",
        Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0));
    m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("loadAverageAtStart", loadAverage());
    return m;
  }

  /** The one-minute load average, two decimals; over the core count means other work competed for the CPUs. */
  static double loadAverage() {
    return Stats.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), 2);
  }

  private static String firstValue(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equals(key)) return line.substring(colon + 1).trim();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
