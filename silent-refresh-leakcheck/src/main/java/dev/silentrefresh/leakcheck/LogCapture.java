package dev.silentrefresh.leakcheck;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What a leak check listens to, JVM-wide: every {@code java.util.logging} record at every level (the root logger and
 * every logger with a level of its own turned to ALL; SLF4J and the JDK's {@code System.Logger} reach it through
 * their JUL bindings), and every line on {@code System.out} and {@code System.err}. Records are inspected as they
 * are published and not kept; the console ({@link CurrentStderrHandler} in place of JUL's) prints WARNING and above.
 *
 * <p>Three loggers stay at INFO, because at FINE they dump what they carry — request headers with the token's, or a
 * stored session — whatever the library does; their INFO and above are checked like everything else:
 * <ul>
 *   <li>{@code org.eclipse.jetty}: the testkit's server. A backend receives tokens by design, and it is not the code
 *       under test (no client here uses Jetty).
 *   <li>{@code sun.net.www.protocol.http.HttpURLConnection}: the JDK's legacy client (Spring's
 *       {@code SimpleClientHttpRequestFactory}, {@code RestRefreshInterceptor.requestFactory()}) logs each request's
 *       headers at FINE. Documented for users: keep that logger at INFO, or use a factory over
 *       {@code java.net.http}, whose debug log shows no header.
 *   <li>{@code io.lettuce.core.protocol}: Lettuce prints command replies (DEBUG) and wire bytes (TRACE), so a Redis
 *       store without an encryption key shows its tokens there. Documented in the Redis README.
 * </ul>
 *
 * <p>The JDK HTTP client's request log ({@code jdk.httpclient.HttpClient.log}, when not set already:
 * errors and requests — the URL of every call, the refresh call's included) and its internal debug log (logger
 * {@code jdk.internal.httpclient.debug}, enabled by the ALL level) are turned on here, before any client exists.
 */
public final class LogCapture {
  private static final LeakDetector DETECTOR = new LeakDetector(IssuedSecrets.index());
  private static final Handler HANDLER = new Handler() {
    @Override
    public void publish(LogRecord record) {
      DETECTOR.inspect(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  /** The console: WARNING and above, to the current {@code System.err}. */
  private static final Handler CONSOLE = new CurrentStderrHandler();
  private static volatile boolean installed;
  /** Not turned up: at FINE they dump what they carry (see the class comment). Held: JUL keeps loggers weakly. */
  private static final List<Logger> DUMPERS = List.of(Logger.getLogger("org.eclipse.jetty"),
      Logger.getLogger("sun.net.www.protocol.http.HttpURLConnection"), Logger.getLogger("io.lettuce.core.protocol"));

  private LogCapture() {}

  /** Starts capturing (once per JVM) and starts recording issued secrets. */
  static synchronized void install() {
    if (installed) return;
    installed = true;
    IssuedSecrets.startRecording();
    if (System.getProperty("jdk.httpclient.HttpClient.log") == null) {
      System.setProperty("jdk.httpclient.HttpClient.log", "errors,requests");
    }
    HANDLER.setLevel(Level.ALL);
    turnEverythingToAll();
    System.setOut(new ScanningPrintStream(System.out, "System.out", DETECTOR));
    System.setErr(new ScanningPrintStream(System.err, "System.err", DETECTOR));
  }

  /** Puts the capture back if something reset logging (a framework reading a logging configuration). */
  static synchronized void reattachIfLost() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) if (h == HANDLER && root.getLevel() == Level.ALL) return;
    turnEverythingToAll();
  }

  private static void turnEverythingToAll() {
    Logger root = Logger.getLogger("");
    for (Handler h : root.getHandlers()) {
      if (h instanceof ConsoleHandler) root.removeHandler(h); // replaced by CONSOLE
      else if (h != HANDLER && h != CONSOLE && h.getLevel().intValue() < Level.WARNING.intValue()) h.setLevel(Level.WARNING);
    }
    root.setLevel(Level.ALL);
    List<Handler> attached = Arrays.asList(root.getHandlers());
    if (!attached.contains(HANDLER)) root.addHandler(HANDLER);
    if (!attached.contains(CONSOLE)) root.addHandler(CONSOLE);
    for (String name : Collections.list(LogManager.getLogManager().getLoggerNames())) {
      Logger logger = LogManager.getLogManager().getLogger(name);
      if (logger != null && logger.getLevel() != null && logger != root) logger.setLevel(Level.ALL);
    }
    for (Logger dumper : DUMPERS) dumper.setLevel(Level.INFO);
  }

  /** The JVM-wide detector: what the capture saw so far. */
  public static LeakDetector detector() {
    return DETECTOR;
  }

  /** True once a leak check runs in this JVM. */
  public static boolean active() {
    return installed;
  }

  static PrintStream originalOut() {
    PrintStream out = System.out;
    return out instanceof ScanningPrintStream ? new PrintStream(((ScanningPrintStream) out).target(), true) : out;
  }
}
