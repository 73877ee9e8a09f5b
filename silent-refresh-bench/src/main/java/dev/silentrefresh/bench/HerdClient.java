package dev.silentrefresh.bench;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import java.net.URI;
import java.time.Duration;

/**
 * The client half of one herd: a session signed in with the server's tokens, a warm-up burst, the plain burst (valid
 * token), then — once the server has expired the tokens — the herd. It runs in the harness's JVM or, for the real
 * runs, in a JVM of its own ({@link HerdClientMain}), so that 10,000 connections do not meet the server's 10,000 in one
 * process's file descriptors, and the threads counted are the client's alone.
 */
final class HerdClient implements AutoCloseable {
  /** The warm-up burst before the plain one: enough to open connections and compile the paths, at most this. */
  static final int WARM_UP = 1_000;

  private final ClientUnderTest adapter;
  private final Caller caller;
  private final URI me;

  HerdClient(Clients kind, Dialect dialect, Tokens tokens, URI me) throws Exception {
    this.adapter = kind.create();
    this.me = me;
    TokenSession session = TokenSession.builder(dialect, adapter.transport())
        .refreshTimeout(Duration.ofSeconds(60)).refreshDeadline(Duration.ofSeconds(120)).build();
    session.signIn(tokens);
    this.caller = adapter.caller(session);
  }

  /** Warms up, then sends the plain burst. */
  Burst.Outcome plain(int size) throws Exception {
    burst(Math.min(size, WARM_UP));
    return burst(size);
  }

  /** The herd: the same burst, on tokens the server has expired. {@code extraThreads}: this JVM's, at the peak. */
  Burst.Outcome herd(int size, int[] extraThreads) throws Exception {
    int threadsBefore = Thread.activeCount();
    JvmMeter.resetPeakThreads();
    Burst.Outcome herd = burst(size);
    extraThreads[0] = Math.max(0, JvmMeter.peakThreads() - threadsBefore);
    return herd;
  }

  private Burst.Outcome burst(int size) throws Exception {
    return Burst.async(size, () -> caller.getAsync(me).thenApply(r -> r.status() == 200));
  }

  @Override
  public void close() {
    adapter.close();
  }
}
