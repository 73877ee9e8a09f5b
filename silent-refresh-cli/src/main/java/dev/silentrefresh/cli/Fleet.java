package dev.silentrefresh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The parent's side of the fleet's child processes: each a JVM on this one's class path running the hidden
 * {@value FleetNodeCommand#NAME} command, talked to over its stdin and stdout (see {@link FleetNodeCommand}). A
 * process that dies is noticed at once and named; {@link #close()} ends every one of them, and a child whose input
 * ends (its parent is gone, however it went) ends by itself.
 *
 * <p>Threads: two daemon threads per process read its stdout and stderr; every other method is for one thread.
 */
final class Fleet implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int STDERR_LINES = 20;

  /** A child process died, or did not answer in time. */
  static final class FleetException extends IOException {
    FleetException(String message) {
      super(message);
    }
  }

  /** One child process, and what it said during the current run. */
  static final class Member {
    final int number;
    final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Deque<String> stderr = new ArrayDeque<>();
    private final Fleet fleet;
    private volatile boolean gone;
    volatile long[] stats = new long[5]; // requests, succeeded, failed, replays, waiting
    volatile int settled = -1;
    final List<Timeline.Tick> ticks = new CopyOnWriteArrayList<>();
    final Map<String, Long> failureReasons = new LinkedHashMap<>();
    private volatile long runStartEpochMillis;

    Member(Fleet fleet, int number, Process process) {
      this.fleet = fleet;
      this.number = number;
      this.process = process;
      this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      daemon("fleet-process-" + number + "-out", this::readStdout);
      daemon("fleet-process-" + number + "-err", this::readStderr);
    }

    long pid() {
      return process.pid();
    }

    String name() {
      return "process " + number + " (pid " + pid() + ")";
    }

    boolean isGone() {
      return gone;
    }

    /** Forgets the last run's figures. */
    void newRun() {
      stats = new long[5];
      settled = -1;
      ticks.clear();
      synchronized (failureReasons) {
        failureReasons.clear();
      }
      replies.clear();
    }

    void send(String line) throws FleetException {
      try {
        stdin.write(line + "\n");
        stdin.flush();
      } catch (IOException e) {
        throw new FleetException(death("before it could be told to go on"));
      }
    }

    private void readStdout() {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          take(line);
          fleet.changed();
        }
      } catch (IOException e) {
        // the process is gone: below
      }
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      gone = true;
      fleet.changed();
    }

    private void take(String line) {
      String[] part = line.split(" ", 2);
      String rest = part.length > 1 ? part[1] : "";
      try {
        switch (part[0]) {
          case "stats" -> {
            String[] n = rest.split(" ");
            long[] s = new long[5];
            for (int i = 0; i < s.length; i++) s[i] = Long.parseLong(n[i]);
            stats = s;
          }
          case "settled" -> settled = Math.max(settled, Integer.parseInt(rest));
          case "refreshed" -> {
            String[] n = rest.split(" ");
            ticks.add(new Timeline.Tick(Long.parseLong(n[0]) - runStartEpochMillis, n[1].equals("adopted")));
          }
          case "failure" -> {
            String[] n = rest.split(" ", 2);
            synchronized (failureReasons) {
              failureReasons.merge(n[1], Long.parseLong(n[0]), Long::sum);
            }
          }
          default -> replies.add(line); // hello, ready, error, result
        }
      } catch (RuntimeException e) {
        replies.add("error unreadable message from the process: " + part[0]);
      }
    }

    private void readStderr() {
      try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = err.readLine()) != null; ) {
          synchronized (stderr) {
            stderr.addLast(line);
            if (stderr.size() > STDERR_LINES) stderr.removeFirst();
          }
        }
      } catch (IOException e) {
        // gone
      }
    }

    /** The next reply (hello, ready, error, result), within {@code timeout}. */
    String reply(Duration timeout, String waitingFor) throws FleetException, InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      for (;;) {
        String line = replies.poll(50, TimeUnit.MILLISECONDS);
        if (line != null) return line;
        if (gone && replies.isEmpty()) throw new FleetException(death(waitingFor));
        if (System.nanoTime() > deadline) {
          throw new FleetException(name() + " did not answer within " + timeout.toSeconds() + " s, " + waitingFor);
        }
      }
    }

    /** Why this process stopped, for a message: its exit code and the last thing it wrote to stderr. */
    String death(String when) {
      try {
        process.waitFor(2, TimeUnit.SECONDS); // its output ended: its exit is a moment away
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String code;
      if (process.isAlive()) {
        code = "stopped answering";
      } else {
        int exit = process.exitValue();
        code = "exited with code " + exit + (exit > 128 && exit < 160 ? " (killed by signal " + (exit - 128) + ")" : "");
      }
      String last;
      synchronized (stderr) {
        last = stderr.stream().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse(null);
      }
      return name() + " " + code + " " + when + (last == null ? "" : " (its last words: " + last.trim() + ")");
    }
  }

  private final List<Member> members = new ArrayList<>();
  private final Object signal = new Object();
  private long changes;

  private Fleet() {}

  /**
   * Starts {@code count} processes, and waits until each said hello.
   *
   * @throws FleetException one did not start or did not answer within {@code timeout}; none is left running
   */
  static Fleet start(int count, Duration timeout) throws IOException, InterruptedException {
    Fleet fleet = new Fleet();
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      for (int i = 1; i <= count; i++) {
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), Main.class.getName(), FleetNodeCommand.NAME);
        fleet.members.add(new Member(fleet, i, pb.start()));
      }
      for (Member m : fleet.members) {
        String hello = m.reply(timeout, "while starting");
        if (!hello.startsWith("hello ")) throw new FleetException(m.name() + " started with '" + hello + "'");
      }
      return fleet;
    } catch (IOException | InterruptedException | RuntimeException e) {
      fleet.close();
      throw e;
    }
  }

  List<Member> members() {
    return members;
  }

  /** Tells every process {@code line}. */
  void sendAll(String line) throws FleetException {
    for (Member m : members) m.send(line);
  }

  /** Sends each process its run, and waits until each is ready. */
  void startRun(List<FleetNodeCommand.RunSpec> specs, Duration timeout) throws IOException, InterruptedException {
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      m.newRun();
      m.send("run " + JSON.writeValueAsString(specs.get(i)));
    }
    for (Member m : members) {
      String reply = m.reply(timeout, "while setting up its session");
      if (!reply.equals("ready")) throw new FleetException(m.name() + " could not set up its session: " + message(reply));
    }
  }

  /** Starts the virtual users of every process; the times of their refreshes count from {@code startEpochMillis}. */
  void go(long startEpochMillis) throws FleetException {
    for (Member m : members) m.runStartEpochMillis = startEpochMillis;
    sendAll("go");
  }

  /** Stops the virtual users of every process, and collects each one's figures. */
  List<FleetProcess> stopRun(Duration timeout) throws IOException, InterruptedException {
    sendAll("stop");
    List<FleetProcess> results = new ArrayList<>();
    for (Member m : members) {
      String reply = m.reply(timeout, "while stopping its virtual users");
      if (!reply.startsWith("result ")) throw new FleetException(m.name() + " could not stop: " + message(reply));
      FleetProcess p = JSON.readValue(reply.substring("result ".length()), FleetProcess.class);
      m.stats = new long[] {p.requests(), p.succeeded(), p.failed(), p.replays(), 0};
      results.add(p);
    }
    return results;
  }

  private static String message(String reply) {
    return reply.startsWith("error ") ? reply.substring("error ".length()) : "'" + reply + "'";
  }

  /** The first process that is gone, if any. */
  Member firstGone() {
    for (Member m : members) if (m.isGone()) return m;
    return null;
  }

  private void changed() {
    synchronized (signal) {
      changes++;
      signal.notifyAll();
    }
  }

  /** A count that moves whenever a process says something or ends. */
  long changes() {
    synchronized (signal) {
      return changes;
    }
  }

  /** Waits until {@link #changes()} moves past {@code seen}, at most {@code nanos}. */
  void awaitChange(long seen, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    synchronized (signal) {
      for (long left = nanos; changes == seen && left > 0; left = deadline - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(signal, left);
      }
    }
  }

  /** Ends every process now (for a shutdown hook: Ctrl-C, or the JVM exiting). */
  void destroyNow() {
    for (Member m : members) m.process.destroyForcibly();
  }

  /** Asks every process to quit, then ends those that have not within a few seconds. Idempotent. */
  @Override
  public void close() {
    for (Member m : members) {
      try {
        m.stdin.write("quit\n");
        m.stdin.close();
      } catch (IOException e) {
        // gone already
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (Member m : members) {
      try {
        if (!m.process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          m.process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        m.process.destroyForcibly();
      }
    }
    for (Member m : members) {
      try {
        m.process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
  }
}
