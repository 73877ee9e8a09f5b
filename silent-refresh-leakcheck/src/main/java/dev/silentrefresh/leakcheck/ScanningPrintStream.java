package dev.silentrefresh.leakcheck;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** {@code System.out} or {@code System.err} as it was, with every line also shown to the detector. */
final class ScanningPrintStream extends PrintStream {
  private final String name;
  private final LeakDetector detector;
  private final Charset charset;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();

  ScanningPrintStream(PrintStream original, String name, LeakDetector detector) {
    super(original, true);
    this.name = name;
    this.detector = detector;
    this.charset = StandardCharsets.ISO_8859_1; // tokens are ASCII; a line is only looked through

  }

  @Override
  public synchronized void write(int b) {
    super.write(b);
    take(b);
  }

  @Override
  public synchronized void write(byte[] buf, int off, int len) {
    super.write(buf, off, len);
    for (int i = off; i < off + len; i++) take(buf[i]);
  }

  private void take(int b) {
    if (b == '\n') {
      detector.inspect(name, "CONSOLE", line.toString(charset));
      line.reset();
    } else if (line.size() < 1 << 20) {
      line.write(b);
    }
  }

  /** The stream this one prints to. */
  OutputStream target() {
    return out;
  }
}
