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
 * server rejects it (zero windows would not do: the blocking margin grows with the observed latency). Both on a
 * server whose tokens live exactly 2 s ({@code exactExpiry}: {@code exp} to the millisecond). The third mode is
 * proactive on the testkit's default whole-second {@code exp}, where a token minted mid-second lives 1–2 s and a
 * refresh before its expiry moves {@code exp} on by one second only: there the floor of any client that refreshes
 * before expiry is one refresh a second. The modes alternate run by run.
 */
final class SteadyScenario {
  /** One run: what the server counted. {@code lifetimes} is the run's length over the access token lifetime. */
  record Run(String mode, long requests, long failed, long rejected, long refreshCalls, double lifetimes,
      long reuseDetected) {
    double refreshPerLifetime() {
      return refreshCalls / lifetimes;
    }
  }

  /** Proactive, against whole-second {@code exp} (the testkit's default, as most servers mint). */
  static final String WHOLE_SECONDS = "proactive-whole-second-exp";
  /** The modes, in the order the report shows them. */
  static final List<String> MODES = List.of("proactive", "reactive", WHOLE_SECONDS);

  private SteadyScenario() {}

  static Map<String, List<Run>> run(Settings settings, Progress progress) throws Exception {
    Map<String, List<Run>> runs = new LinkedHashMap<>();
    for (String mode : MODES) runs.put(mode, new ArrayList<>());
    for (int i = 0; i < settings.steadyRuns(); i++) {
      List<String> order = new ArrayList<>(MODES);
      if (i % 2 == 1) java.util.Collections.reverse(order);
      for (String mode : order) {
        progress.say("steady: " + mode + " (" + settings.steady().toSeconds() + " s)");
        runs.get(mode).add(run(mode, settings));
      }
    }
    return runs;
  }

  static Run run(String mode, Settings settings) throws Exception {
    boolean proactive = !mode.equals("reactive");
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).accessTtl(Settings.STEADY_ACCESS_TTL)
             .exactExpiry(!mode.equals(WHOLE_SECONDS)).start();
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
      return new Run(mode, t.succeeded() + t.failed(), t.failed(),
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
