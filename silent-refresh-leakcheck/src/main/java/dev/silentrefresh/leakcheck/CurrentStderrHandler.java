package dev.silentrefresh.leakcheck;

import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

/**
 * The console during a leak check: WARNING and above, printed to whatever {@code System.err} is when the record is
 * published (JUL's own {@code ConsoleHandler} keeps the stream it started with), so a test that captures the
 * console (Spring Boot's {@code OutputCaptureExtension}) sees logged lines, as it did with a simple SLF4J binding.
 */
final class CurrentStderrHandler extends Handler {
  CurrentStderrHandler() {
    setLevel(Level.WARNING);
    setFormatter(new SimpleFormatter());
  }

  @Override
  public void publish(LogRecord record) {
    if (!isLoggable(record)) return;
    String line;
    try {
      line = getFormatter().format(record);
    } catch (RuntimeException e) {
      reportError(null, e, ErrorManager.FORMAT_FAILURE);
      return;
    }
    System.err.print(line);
    System.err.flush();
  }

  @Override
  public void flush() {
    System.err.flush();
  }

  @Override
  public void close() {}
}
