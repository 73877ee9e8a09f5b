package dev.silentrefresh.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the CLI, as the tests see it: its exit code and everything it printed. */
record CliRun(int exit, String out, String err) {

  /** Runs {@code args} through {@link Main#execute} in this JVM, capturing both streams. */
  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), false, args);
    return new CliRun(exit, out.toString(), err.toString());
  }
}
