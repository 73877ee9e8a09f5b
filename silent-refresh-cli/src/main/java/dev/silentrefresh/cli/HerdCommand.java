package dev.silentrefresh.cli;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herd}: many requests at once holding an expired token; one refresh serves them all. */
@Command(name = "herd", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Signs in, lets the access token expire on the server, then fires N requests at once, all holding the "
            + "expired token: the thundering herd. Prints how many refresh calls the server saw (1 is right), "
            + "how many requests succeeded, and their latency.",
        "Exit code 0 when every request succeeded, 1 otherwise."})
final class HerdCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--dialect", paramLabel = "NAME", defaultValue = "oauth2",
      description = "oauth2, put-bearer, code-1002, code-50014 or code-401 (default: ${DEFAULT-VALUE})")
  String dialect;

  @Option(names = "--client", paramLabel = "NAME", defaultValue = "jdk",
      description = "HTTP client adapter, or all to run each in turn (default: ${DEFAULT-VALUE})")
  String client;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1000", description = "requests fired at once (default: ${DEFAULT-VALUE})")
  int concurrency;

  @Option(names = "--json", paramLabel = "FILE", description = "write the result as JSON")
  Path json;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    Profile profile = Options.dialects(cl, dialect, false).get(0);
    List<Clients> kinds = Options.clients(cl, client, true);
    Options.positive(cl, "--concurrency", concurrency, 20_000);
    PrintWriter out = cl.getOut();

    List<Map<String, Object>> results = new ArrayList<>();
    for (Clients kind : kinds) results.add(herd(profile, kind, out));
    if (json != null) {
      DemoCommand.writeJson(json, results.size() == 1 ? results.get(0) : Map.of("runs", results));
      out.println("wrote " + json);
    }
    out.flush();
    return results.stream().allMatch(r -> ((Long) r.get("failed")) == 0) ? 0 : 1;
  }

  /** One herd through one client, against its own server. */
  private Map<String, Object> herd(Profile profile, Clients kind, PrintWriter out) throws Exception {
    ShiftableClock serverClock = new ShiftableClock();
    Duration accessTtl = Duration.ofMinutes(1);
    try (AuthServer server = AuthServer.builder(profile).clock(serverClock).accessTtl(accessTtl).start();
         ClientUnderTest adapter = kind.create()) {
      TokenSession session = TokenSession.builder(server.dialect(), adapter.transport()).build();
      new DemoLogin(server, HttpClient.newHttpClient(), t -> {}).signIn(session);
      // The server's clock jumps past the token's expiry; the client does not know: every request is rejected.
      serverClock.shift(accessTtl.plusSeconds(1));
      Caller caller = adapter.caller(session);
      URI me = server.apiUri("/api/me");

      long[] latencies = new long[concurrency];
      List<CompletableFuture<Boolean>> calls = new ArrayList<>(concurrency);
      for (int i = 0; i < concurrency; i++) {
        int index = i;
        long start = System.nanoTime();
        calls.add(caller.getAsync(me).handle((reply, error) -> {
          latencies[index] = System.nanoTime() - start;
          return error == null && reply.status() == 200 && reply.body().contains(DemoRun.BIG_ID);
        }));
      }
      long succeeded = 0;
      for (CompletableFuture<Boolean> c : calls) if (c.get(2, TimeUnit.MINUTES)) succeeded++;
      long failed = concurrency - succeeded;
      Arrays.sort(latencies);
      long p50 = percentileMillis(latencies, 50);
      long p99 = percentileMillis(latencies, 99);
      long refreshCalls = server.counters().refreshCalls();

      out.printf("herd: %d requests at once holding an expired token (%s, %s)%n", concurrency, profile.id(), adapter.name());
      out.printf("  refresh calls (server): %d%n", refreshCalls);
      out.printf("  rejected replies (server): %d%n", server.counters().rejectedRequests());
      out.printf("  succeeded: %d%n  failed: %d%n", succeeded, failed);
      out.printf("  latency p50: %d ms, p99: %d ms%n", p50, p99);
      out.flush();
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("dialect", profile.id());
      result.put("client", adapter.name());
      result.put("concurrency", concurrency);
      result.put("succeeded", succeeded);
      result.put("failed", failed);
      result.put("refreshCalls", refreshCalls);
      result.put("p50Millis", p50);
      result.put("p99Millis", p99);
      return result;
    }
  }

  /** Nearest-rank percentile of sorted nanosecond values, in milliseconds. */
  static long percentileMillis(long[] sortedNanos, int percentile) {
    if (sortedNanos.length == 0) return 0;
    int rank = (int) Math.ceil(percentile / 100.0 * sortedNanos.length);
    return TimeUnit.NANOSECONDS.toMillis(sortedNanos[Math.max(0, rank - 1)]);
  }
}
