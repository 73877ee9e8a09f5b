package dev.silentrefresh;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/** What one JUL logger publishes while this is open: for asserting what a session or a store logs. */
public final class RecordedLog extends Handler implements AutoCloseable {
  private final Logger logger;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  private RecordedLog(Logger logger) {
    this.logger = logger;
    logger.addHandler(this);
  }

  public static RecordedLog of(String loggerName) {
    return new RecordedLog(Logger.getLogger(loggerName));
  }

  /** The messages logged at {@code level}. */
  public List<String> messages(Level level) {
    return records.stream().filter(r -> r.getLevel() == level).map(LogRecord::getMessage).collect(Collectors.toList());
  }

  @Override
  public void publish(LogRecord record) {
    records.add(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
