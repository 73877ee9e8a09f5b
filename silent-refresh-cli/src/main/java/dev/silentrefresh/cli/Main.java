package dev.silentrefresh.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code silent-refresh}: see silent refresh working, live, against an embedded reference server. */
@Command(name = "silent-refresh", mixinStandardHelpOptions = true, version = "silent-refresh 0.1.0",
    description = "Keeps API calls working while access tokens expire underneath them. "
        + "Run a live demo, a thundering herd, or the reference auth server.",
    subcommands = {DemoCommand.class, HerdCommand.class, SoakCommand.class, ServeCommand.class, FleetNodeCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** True when output goes to a terminal: then the demo draws a live progress line. */
  boolean live;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (demo, herd, soak or serve)");
  }

  public static void main(String[] args) {
    keepJvmWarningsOffTheTerminal();
    System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        System.console() != null, args));
  }

  /**
   * Java 24+ prints warnings to stderr when a class-path library uses {@code sun.misc.Unsafe} memory access or a
   * restricted method such as {@code System.loadLibrary}. Netty (under WebClient) does both by default. Told by
   * these properties, before any of its classes load, it uses neither: NIO instead of its native epoll transport,
   * and no {@code Unsafe}. Same on every Java, so figures compare across versions. A value set with {@code -D} wins.
   */
  static void keepJvmWarningsOffTheTerminal() {
    setUnlessSet("io.netty.noUnsafe", "true");
    setUnlessSet("io.netty.transport.noNative", "true");
  }

  private static void setUnlessSet(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }

  /** Runs the CLI with the given streams; returns the exit code (0 ok, 1 failures seen, 2 bad usage). */
  static int execute(PrintWriter out, PrintWriter err, boolean live, String... args) {
    return commandLine(out, err, live).execute(args);
  }

  /** The configured command line, for {@link #execute} and for tests that need a command's instance. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean live) {
    Main main = new Main();
    main.live = live;
    CommandLine cl = new CommandLine(main);
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler((ex, arguments) -> {
      CommandLine bad = ex.getCommandLine();
      bad.getErr().println("error: " + ex.getMessage().replace('\n', ' ').trim());
      bad.usage(bad.getErr());
      return 2;
    });
    cl.setExecutionExceptionHandler((ex, bad, parsed) -> {
      bad.getErr().println("error: " + (ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage()));
      return 1;
    });
    return cl;
  }
}
