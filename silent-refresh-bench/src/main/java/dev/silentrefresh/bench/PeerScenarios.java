package dev.silentrefresh.bench;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Counters;
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
 * The peers' scenarios, the same for each peer and for the library: one server (oauth2, a confidential client,
 * rotation with reuse detection on, no grace), and
 * <ul>
 *   <li>{@code overhead}: tokens that never expire, the peer against its own HTTP stack with the token set by hand,
 *       interleaved rounds: the throughput ratio;</li>
 *   <li>{@code herd}: N threads at once, released together, holding an access token that has expired (the client
 *       knows its expiry, and the server rejects it): refresh calls for the one expiry;</li>
 *   <li>{@code steady}: 2-second access tokens, workers sending back to back: refresh calls per token lifetime.</li>
 * </ul>
 * Each row says refresh calls, failed requests, sessions lost (token families the server revoked after a reuse) and
 * rejected round trips, as the server counted them.
 */
final class PeerScenarios {
  static final String CLIENT_SECRET = "bench-client-secret";

  private PeerScenarios() {}

  /** The peers' server; tokens live exactly their lifetime ({@code exactExpiry}), as in the library's steady state. */
  static AuthServer server(Duration accessTtl) {
    return AuthServer.builder(Profile.OAUTH2).clientSecret(CLIENT_SECRET).accessTtl(accessTtl).exactExpiry(true)
        .start();
  }

  static List<Map<String, Object>> run(Peer peer, Settings settings, Progress progress) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    progress.say("peer " + peer.name() + ": overhead");
    rows.add(overhead(peer, settings));
    for (int size : settings.peerHerdSizes()) {
      progress.say("peer " + peer.name() + ": herd × " + size);
      rows.add(herd(peer, size));
    }
    progress.say("peer " + peer.name() + ": steady (" + settings.peerSteady().toSeconds() + " s)");
    rows.add(steady(peer, settings));
    return rows;
  }

  static Map<String, Object> overhead(Peer peer, Settings settings) throws Exception {
    try (AuthServer server = server(Duration.ofHours(1));
         Workers workers = new Workers("peer-overhead", settings.workers())) {
      IssuedTokens tokens = server.issueTokens(server.username());
      URI me = server.apiUri("/api/me");
      try (Peer.Client raw = peer.raw(server, tokens.accessToken());
           Peer.Client client = peer.signedIn(server, tokens, Instant.now().plus(tokens.expiresIn()))) {
        Workers.Request a = () -> raw.get(me) == 200;
        Workers.Request b = () -> client.get(me) == 200;
        workers.run(settings.round(), a);
        workers.run(settings.round(), b);
        server.reset();
        List<Double> ratios = new ArrayList<>();
        long failed = 0;
        long requests = 0;
        for (int round = 0; round < settings.rounds(); round++) {
          Workers.Tally ta;
          Workers.Tally tb;
          if (round % 2 == 0) {
            ta = workers.run(settings.round(), a);
            tb = workers.run(settings.round(), b);
          } else {
            tb = workers.run(settings.round(), b);
            ta = workers.run(settings.round(), a);
          }
          ratios.add(tb.perSecond() / ta.perSecond());
          failed += tb.failed();
          requests += tb.succeeded() + tb.failed();
        }
        Map<String, Object> row = row(peer, "overhead", server.counters(), failed, requests);
        row.put("throughputRatio", Stats.spread(ratios, 3));
        return row;
      }
    }
  }

  static Map<String, Object> herd(Peer peer, int size) throws Exception {
    try (AuthServer server = server(Duration.ofHours(1))) {
      IssuedTokens tokens = server.issueExpiredTokens(server.username());
      URI me = server.apiUri("/api/me");
      try (Peer.Client client = peer.signedIn(server, tokens, Instant.now())) {
        server.reset();
        Burst.Outcome o = Burst.threads(size, () -> client.get(me) == 200);
        Map<String, Object> row = row(peer, "herd", server.counters(), o.failed(), size);
        row.put("concurrency", size);
        row.put("expiries", 1);
        row.put("refreshPerExpiry", server.counters().refreshCalls());
        row.put("p99Millis", o.p99Millis());
        return row;
      }
    }
  }

  static Map<String, Object> steady(Peer peer, Settings settings) throws Exception {
    try (AuthServer server = server(Settings.STEADY_ACCESS_TTL);
         Workers workers = new Workers("peer-steady", settings.workers())) {
      IssuedTokens tokens = server.issueTokens(server.username());
      URI me = server.apiUri("/api/me");
      try (Peer.Client client = peer.signedIn(server, tokens, Instant.now().plus(tokens.expiresIn()))) {
        server.reset();
        Workers.Tally t = workers.run(settings.peerSteady(), () -> client.get(me) == 200);
        double lifetimes = (double) t.spent().wallNanos() / Settings.STEADY_ACCESS_TTL.toNanos();
        Map<String, Object> row = row(peer, "steady", server.counters(), t.failed(), t.succeeded() + t.failed());
        row.put("lifetimes", Stats.round(lifetimes, 2));
        row.put("refreshPerLifetime", Stats.round(server.counters().refreshCalls() / lifetimes, 2));
        return row;
      }
    }
  }

  private static Map<String, Object> row(Peer peer, String scenario, Counters c, long failed, long requests) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("name", peer.name());
    row.put("scenario", scenario);
    row.put("refreshCalls", c.refreshCalls());
    row.put("failed", failed);
    row.put("sessionsLost", c.familiesRevoked());
    row.put("rejected", c.rejectedRequests());
    row.put("reuseDetected", c.reuseDetected());
    row.put("requests", requests);
    return row;
  }
}
