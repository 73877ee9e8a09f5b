package dev.silentrefresh.bench;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.IssuedTokens;
import dev.silentrefresh.testkit.Profile;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Overhead: each client with the library against the same raw client sending the same token by hand, same server,
 * tokens that never expire during the run. A and B alternate round by round (raw first in even rounds, the library
 * first in odd ones), so that a machine getting busier or quieter weighs on both; each round gives one ratio.
 */
final class OverheadScenario {
  /** One client's figures: medians over the rounds, with the spread of the ratio. */
  record Result(String client, Map<String, Object> ratio, double rawPerSecond, double libPerSecond,
      double rawCpuMicros, double libCpuMicros, double rawBytes, double libBytes, double extraBytes, long failed) {}

  private OverheadScenario() {}

  static List<Result> run(Settings settings, Progress progress) throws Exception {
    List<Result> results = new ArrayList<>();
    for (Clients kind : Clients.values()) results.add(run(kind, settings, progress));
    return results;
  }

  static Result run(Clients kind, Settings settings, Progress progress) throws Exception {
    progress.say("overhead: " + kind.id());
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).accessTtl(Duration.ofHours(1)).start();
         ClientUnderTest adapter = kind.create();
         Workers workers = new Workers("overhead-" + kind.id(), settings.workers())) {
      IssuedTokens tokens = server.issueTokens(server.username());
      TokenSession session = TokenSession.builder(server.dialect(), adapter.transport()).build();
      session.signIn(tokens.toTokens(Instant.now()));
      Dialect dialect = server.dialect();
      URI me = server.apiUri("/api/me");
      Caller library = adapter.caller(session);
      try (RawClient raw = RawClient.of(kind, dialect.tokenHeader(), dialect.tokenHeaderValue(tokens.accessToken()))) {
        Workers.Request rawRequest = () -> raw.get(me).status() == 200;
        Workers.Request libRequest = () -> library.get(me).status() == 200;
        Duration warmUp = settings.round().multipliedBy(2);
        workers.run(warmUp, rawRequest);
        workers.run(warmUp, libRequest);
        List<Double> ratios = new ArrayList<>();
        List<Double> rawRates = new ArrayList<>();
        List<Double> libRates = new ArrayList<>();
        List<Double> rawCpu = new ArrayList<>();
        List<Double> libCpu = new ArrayList<>();
        List<Double> rawBytes = new ArrayList<>();
        List<Double> libBytes = new ArrayList<>();
        List<Double> extra = new ArrayList<>();
        long failed = 0;
        for (int round = 0; round < settings.rounds(); round++) {
          Workers.Tally a;
          Workers.Tally b;
          if (round % 2 == 0) {
            a = workers.run(settings.round(), rawRequest);
            b = workers.run(settings.round(), libRequest);
          } else {
            b = workers.run(settings.round(), libRequest);
            a = workers.run(settings.round(), rawRequest);
          }
          failed += a.failed() + b.failed();
          ratios.add(b.perSecond() / a.perSecond());
          rawRates.add(a.perSecond());
          libRates.add(b.perSecond());
          rawCpu.add(a.cpuMicrosPerRequest());
          libCpu.add(b.cpuMicrosPerRequest());
          rawBytes.add(a.bytesPerRequest());
          libBytes.add(b.bytesPerRequest());
          extra.add(b.bytesPerRequest() - a.bytesPerRequest());
        }
        return new Result(kind.id(), Stats.spread(ratios, 3), Stats.round(Stats.median(rawRates), 0),
            Stats.round(Stats.median(libRates), 0), Stats.round(Stats.median(rawCpu), 1),
            Stats.round(Stats.median(libCpu), 1), Stats.round(Stats.median(rawBytes), 0),
            Stats.round(Stats.median(libBytes), 0), Stats.round(Stats.median(extra), 0), failed);
      }
    }
  }

  /** The JSON of the results: {@code overhead} (client → median ratio) and the details. */
  static Map<String, Object> ratios(List<Result> results) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Result r : results) m.put(r.client(), r.ratio().get("median"));
    return m;
  }
}
