package dev.silentrefresh.bench;

import java.lang.management.ManagementFactory;

/**
 * What this JVM spent between two readings: CPU time of the process and bytes allocated by its live threads
 * (HotSpot's per-thread counters; a thread that ended meanwhile takes its count with it, so the scenarios keep
 * their threads alive across a measurement).
 */
final class JvmMeter {
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  record Reading(long cpuNanos, long allocatedBytes, long wallNanos) {
    Reading since(Reading start) {
      return new Reading(cpuNanos - start.cpuNanos, allocatedBytes - start.allocatedBytes, wallNanos - start.wallNanos);
    }
  }

  private JvmMeter() {}

  static Reading read() {
    return new Reading(OS.getProcessCpuTime(), allocatedBytes(), System.nanoTime());
  }

  private static long allocatedBytes() {
    long[] ids = THREADS.getAllThreadIds();
    long total = 0;
    for (long bytes : THREADS.getThreadAllocatedBytes(ids)) if (bytes > 0) total += bytes;
    return total;
  }

  /** Starts counting the peak number of live threads afresh. */
  static void resetPeakThreads() {
    THREADS.resetPeakThreadCount();
  }

  static int peakThreads() {
    return THREADS.getPeakThreadCount();
  }
}
