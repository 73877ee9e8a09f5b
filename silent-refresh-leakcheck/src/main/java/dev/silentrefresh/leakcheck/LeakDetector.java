package dev.silentrefresh.leakcheck;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Formatter;
import java.util.logging.LogRecord;

/**
 * Looks for the recorded secrets in each log record (its formatted message and its exception, causes and stack
 * included) or console line it is shown, as it is shown: counts what it saw per source, keeps what leaked
 * (redacted), and keeps nothing else. Thread-safe.
 */
public final class LeakDetector {
  private static final int MAX_LEAKS_KEPT = 200;
  private static final Formatter MESSAGE = new Formatter() {
    @Override
    public String format(LogRecord record) {
      return formatMessage(record);
    }
  };

  private final SecretIndex secrets;
  private final Map<String, LongAdder> recordsBySource = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Leak> leaks = new ConcurrentLinkedQueue<>();
  private final AtomicLong leakCount = new AtomicLong();
  private final LongAdder inTheirUrl = new LongAdder();
  private volatile String currentTest = "(no test yet)";

  LeakDetector(SecretIndex secrets) {
    this.secrets = secrets;
  }

  /** A detector of its own, over secrets of its own: for proving that a planted secret is caught. */
  public static LeakDetector over(String... plantedSecrets) {
    SecretIndex index = new SecretIndex();
    for (String s : plantedSecrets) index.add(s, "");
    return new LeakDetector(index);
  }

  void testStarted(String test) {
    currentTest = test;
  }

  /** Inspects one JUL record, its parameters formatted into the message and its exception printed. */
  public void inspect(LogRecord record) {
    String source = record.getLoggerName() == null ? "(anonymous logger)" : record.getLoggerName();
    StringBuilder text = new StringBuilder();
    try {
      text.append(MESSAGE.format(record));
    } catch (RuntimeException unformattable) {
      text.append(record.getMessage());
    }
    if (record.getThrown() != null) {
      StringWriter trace = new StringWriter();
      record.getThrown().printStackTrace(new PrintWriter(trace));
      text.append('\n').append(trace);
    }
    inspect(source, record.getLevel().getName(), text);
  }

  /** Inspects one line (or record) from {@code source}. */
  public void inspect(String source, String level, CharSequence text) {
    recordsBySource.computeIfAbsent(rootOf(source), s -> new LongAdder()).increment();
    List<SecretIndex.Hit> hits = secrets.find(text);
    if (hits.isEmpty()) return;
    List<SecretIndex.Hit> leaked = new ArrayList<>();
    for (SecretIndex.Hit hit : hits) {
      if (hit.inItsUrl()) inTheirUrl.increment();
      else leaked.add(hit);
    }
    if (leaked.isEmpty()) return;
    if (leakCount.incrementAndGet() <= MAX_LEAKS_KEPT) {
      leaks.add(new Leak(source, level, Thread.currentThread().getName(), currentTest, redact(text, hits)));
    }
  }

  /** Records seen, by source (a logger name's first three parts; the console streams by name). */
  public Map<String, Long> recordsBySource() {
    Map<String, Long> out = new TreeMap<>();
    recordsBySource.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Records seen whose source starts with {@code prefix}. */
  public long records(String prefix) {
    return recordsBySource().entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
        .mapToLong(Map.Entry::getValue).sum();
  }

  /** The leaks seen (the first {@value #MAX_LEAKS_KEPT}). */
  public List<Leak> leaks() {
    return List.copyOf(leaks);
  }

  /** What this detector has seen so far: to tell what a test's own calls added. */
  public Snapshot snapshot() {
    return new Snapshot(this, recordsBySource(), leakCount());
  }

  /** The counts of a {@link LeakDetector} at one moment. */
  public static final class Snapshot {
    private final LeakDetector detector;
    private final Map<String, Long> records;
    private final long leaks;

    private Snapshot(LeakDetector detector, Map<String, Long> records, long leaks) {
      this.detector = detector;
      this.records = records;
      this.leaks = leaks;
    }

    /** Records seen since, whose source starts with {@code prefix}. */
    public long newRecords(String prefix) {
      long before = records.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
          .mapToLong(Map.Entry::getValue).sum();
      return detector.records(prefix) - before;
    }

    /** Lines that leaked since. */
    public long newLeaks() {
      return detector.leakCount() - leaks;
    }
  }

  /** How many lines leaked. */
  public long leakCount() {
    return leakCount.get();
  }

  /** How many times a refresh token was seen in the refresh URL its dialect demands (allowed, and warned of). */
  public long seenInTheirUrl() {
    return inTheirUrl.sum();
  }

  private static String rootOf(String source) {
    String[] parts = source.split("\\.", 4);
    return String.join(".", java.util.Arrays.asList(parts).subList(0, Math.min(3, parts.length)));
  }

  private static String redact(CharSequence text, List<SecretIndex.Hit> hits) {
    List<SecretIndex.Hit> sorted = new ArrayList<>(hits);
    sorted.sort(Comparator.comparingInt(SecretIndex.Hit::start));
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (SecretIndex.Hit hit : sorted) {
      if (hit.start() >= at) out.append(text, at, hit.start());
      if (hit.end() > at) {
        out.append(hit.inItsUrl() ? "<secret in its URL>" : "<secret>");
        at = hit.end();
      }
    }
    out.append(text, at, text.length());
    String line = out.toString();
    return line.length() > 2000 ? line.substring(0, 2000) + "…" : line;
  }
}
