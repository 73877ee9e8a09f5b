package dev.silentrefresh.bench;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Counters;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Herd: N requests at once on an access token the server has just expired ({@code expireAccessTokens}: the client
 * does not know, so every request goes out, is rejected and waits for the one refresh). The same burst on a valid
 * token first gives the plain latency the herd's is compared with. Every client runs {@link Settings#herdSizes()};
 * the non-blocking ones (jdk {@code sendAsync}, WebClient) also run {@link Settings#asyncHerdSizes()}, and the peak
 * number of threads says that the waiters hold none.
 */
final class HerdScenario {
  /** Clients whose {@code getAsync} holds no thread per request. */
  static final Set<Clients> ASYNC = Set.of(Clients.JDK, Clients.WEBCLIENT);

  /** {@code failed}: the herd's; {@code plainFailed}: the plain burst's (a busy loopback may refuse connections). */
  record Result(String client, int concurrency, long refreshCalls, long succeeded, long failed, long rejected,
      double plainP50Millis, double plainP99Millis, double p50Millis, double p99Millis, double addedP50Millis,
      double addedP99Millis, int extraThreads, long plainFailed) {}

  /** The warm-up burst before the plain one: enough to open connections and compile the paths, at most this. */
  static final int WARM_UP = 1_000;

  private HerdScenario() {}

  static List<Result> run(Settings settings, Progress progress) throws Exception {
    List<Result> results = new ArrayList<>();
    for (Clients kind : Clients.values()) {
      for (int size : settings.herdSizes()) results.add(run(kind, size, progress));
      if (ASYNC.contains(kind)) for (int size : settings.asyncHerdSizes()) results.add(run(kind, size, progress));
    }
    return results;
  }

  static Result run(Clients kind, int size, Progress progress) throws Exception {
    progress.say("herd: " + kind.id() + " × " + size);
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).accessTtl(Duration.ofHours(1)).start();
         ClientUnderTest adapter = kind.create()) {
      TokenSession session = TokenSession.builder(server.dialect(), adapter.transport())
          .refreshTimeout(Duration.ofSeconds(60)).refreshDeadline(Duration.ofSeconds(120)).build();
      session.signIn(server.issueTokens(server.username()).toTokens(Instant.now()));
      Caller caller = adapter.caller(session);
      URI me = server.apiUri("/api/me");
      Burst.async(Math.min(size, WARM_UP), () -> caller.getAsync(me).thenApply(r -> r.status() == 200));
      Burst.Outcome plain = Burst.async(size, () -> caller.getAsync(me).thenApply(r -> r.status() == 200));
      server.reset();
      server.expireAccessTokens();
      int threadsBefore = Thread.activeCount();
      JvmMeter.resetPeakThreads();
      Burst.Outcome herd = Burst.async(size, () -> caller.getAsync(me).thenApply(r -> r.status() == 200));
      int extraThreads = Math.max(0, JvmMeter.peakThreads() - threadsBefore);
      Counters c = server.counters();
      return new Result(kind.id(), size, c.refreshCalls(), herd.succeeded(), herd.failed(), c.rejectedRequests(),
          plain.p50Millis(), plain.p99Millis(), herd.p50Millis(), herd.p99Millis(),
          Stats.round(herd.p50Millis() - plain.p50Millis(), 1), Stats.round(herd.p99Millis() - plain.p99Millis(), 1),
          extraThreads, plain.failed());
    }
  }
}
