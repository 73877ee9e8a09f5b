package dev.silentrefresh.bench.jmh;

import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Core's send path, without any HTTP: {@code SessionCalls.execute} looks the token up, hands the header value to an
 * exchange that answers 200 at once, and classifies the reply. Uncontended (one thread) and with every core sending
 * through the one session. {@code clockReads}: the two {@code System.nanoTime()} reads the send path makes to time a
 * send for the latency window (the default clock's "now" is taken from the first), alone: what they cost depends on
 * the machine's clock source (tens of ns on a VM's {@code kvm-clock}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SendPathBenchmark {
  /** An exchange that "sends" by returning the header value it was given, and reads every reply as a 200. */
  static final Exchange.Blocking<String> OK = new Exchange.Blocking<>() {
    @Override
    public String send(@Nullable String tokenHeaderValue) {
      return tokenHeaderValue;
    }

    @Override
    public int status(String reply) {
      return 200;
    }

    @Override
    public @Nullable String header(String reply, String name) {
      return null;
    }

    @Override
    public byte @Nullable [] body(String reply) {
      return null;
    }

    @Override
    public void discard(String reply) {}
  };

  private SessionCalls calls;

  @Setup
  public void setUp() {
    calls = SessionCalls.of(SignedInSession.create());
  }

  @Benchmark
  @Threads(1)
  public String uncontended() throws IOException {
    return calls.execute(SignedInSession.API, OK);
  }

  @Benchmark
  @Threads(1)
  public long clockReads() {
    return System.nanoTime() - System.nanoTime();
  }

  @Benchmark
  @Threads(Threads.MAX)
  public String contended() throws IOException {
    return calls.execute(SignedInSession.API, OK);
  }
}
