package dev.silentrefresh.bench;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Counters;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Steady state: 2-second access tokens, {@link Settings#workers()} threads sending back to back through the jdk
 * adapter for {@link Settings#steady()}. Proactive: the session's defaults (refresh ahead of expiry, blocking margin).
 * Reactive: the session's clock stands still, so no token ever looks near its expiry and each is used until the
 * server rejects it (zero windows would not do: the blocking margin grows with the observed latency). The modes
 * alternate run by run.
 */
final class SteadyScenario {
  /** One run: what the server counted. {@code lifetimes} is the run's length over the access token lifetime. */
  record Run(String mode, long requests, long failed, long rejected, long refreshCalls, double lifetimes,
      long reuseDetected) {
    double refreshPerLifetime() {
      return refreshCalls / lifetimes;
    }
  }

  private SteadyScenario() {}

  static Map<String, List<Run>> run(Settings settings, Progress progress) throws Exception {
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    runs.put("proactive", new ArrayList<>());
    runs.put("reactive", new ArrayList<>());
    for (int i = 0; i < settings.steadyRuns(); i++) {
      for (String mode : i % 2 == 0 ? List.of("proactive", "reactive") : List.of("reactive", "proactive")) {
        progress.say("steady: " + mode + " (" + settings.steady().toSeconds() + " s)");
        runs.get(mode).add(run(mode.equals("proactive"), settings));
      }
    }
    return runs;
  }

  static Run run(boolean proactive, Settings settings) throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).accessTtl(Settings.STEADY_ACCESS_TTL).start();
         ClientUnderTest adapter = Clients.JDK.create();
         Workers workers = new Workers("steady", settings.workers())) {
      TokenSession.Builder b = TokenSession.builder(server.dialect(), adapter.transport());
      if (!proactive) b.clock(Clock.fixed(Instant.now(), ZoneOffset.UTC));
      TokenSession session = b.build();
      session.signIn(server.issueTokens(server.username()).toTokens(Instant.now()));
      Caller caller = adapter.caller(session);
      URI me = server.apiUri("/api/me");
      server.reset();
      Workers.Tally t = workers.run(settings.steady(), () -> caller.get(me).status() == 200);
      Counters c = server.counters();
      double lifetimes = (double) t.spent().wallNanos() / Settings.STEADY_ACCESS_TTL.toNanos();
      return new Run(proactive ? "proactive" : "reactive", t.succeeded() + t.failed(), t.failed(),
          c.rejectedRequests(), c.refreshCalls(), Stats.round(lifetimes, 2), c.reuseDetected());
    }
  }

  /** The JSON of one mode: medians over its runs, with the spread of refresh calls per lifetime. */
  static Map<String, Object> summary(List<Run> runs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rejected", Stats.round(Stats.median(runs.stream().map(r -> (double) r.rejected()).toList()), 1));
    m.put("refreshCalls", Stats.round(Stats.median(runs.stream().map(r -> (double) r.refreshCalls()).toList()), 1));
    m.put("lifetimes", Stats.round(Stats.median(runs.stream().map(Run::lifetimes).toList()), 2));
    m.put("refreshPerLifetime", Stats.spread(runs.stream().map(Run::refreshPerLifetime).toList(), 2));
    m.put("failed", runs.stream().mapToLong(Run::failed).sum());
    m.put("requests", runs.stream().mapToLong(Run::requests).sum());
    m.put("reuseDetected", runs.stream().mapToLong(Run::reuseDetected).sum());
    m.put("runs", runs);
    return m;
  }
}
