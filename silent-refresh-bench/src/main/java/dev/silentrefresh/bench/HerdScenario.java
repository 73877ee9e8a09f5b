package dev.silentrefresh.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Counters;
import dev.silentrefresh.testkit.IssuedTokens;
import dev.silentrefresh.testkit.Profile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Herd: N requests at once on an access token the server has just expired ({@code expireAccessTokens}: the client
 * does not know, so every request goes out, is rejected and waits for the one refresh). The same burst on a valid
 * token first gives the plain latency the herd's is compared with. Every client runs {@link Settings#herdSizes()};
 * the non-blocking ones (jdk {@code sendAsync}, WebClient) also run {@link Settings#asyncHerdSizes()}, and the peak
 * number of the client JVM's threads says that the waiters hold none. In a real run each client's side runs in a JVM
 * of its own ({@link HerdClientMain}); the harness's tests run it in process.
 */
final class HerdScenario {
  /** Clients whose {@code getAsync} holds no thread per request. */
  static final Set<Clients> ASYNC = Set.of(Clients.JDK, Clients.WEBCLIENT);

  /** {@code failed}: the herd's; {@code plainFailed}: the plain burst's (a busy loopback may refuse connections). */
  record Result(String client, int concurrency, long refreshCalls, long succeeded, long failed, long rejected,
      double plainP50Millis, double plainP99Millis, double p50Millis, double p99Millis, double addedP50Millis,
      double addedP99Millis, int extraThreads, long plainFailed) {}

  /** One client's side of a herd: the plain burst, then (after the server expired the tokens) the herd. */
  private interface ClientSide extends AutoCloseable {
    /** {@code [p50, p99, failed]} of the plain burst. */
    double[] plain(Clients kind, int size, AuthServer server, IssuedTokens tokens) throws Exception;

    Result herd(Clients kind, int size, double[] plain, AuthServer server) throws Exception;

    @Override
    void close() throws Exception;
  }

  private HerdScenario() {}

  /** Every client's herds, each client's side in a JVM of its own on {@code classPath}. */
  static List<Result> run(Settings settings, String classPath, Path work, Progress progress) throws Exception {
    List<Result> results = new ArrayList<>();
    for (Clients kind : Clients.values()) {
      try (ClientSide side = new ChildSide(kind, classPath, work)) {
        for (int size : sizes(settings, kind)) results.add(run(kind, size, side, progress));
      }
    }
    return results;
  }

  /** One herd with the client's side in this JVM. */
  static Result runInProcess(Clients kind, int size, Progress progress) throws Exception {
    try (ClientSide side = new InProcessSide()) {
      return run(kind, size, side, progress);
    }
  }

  static List<Integer> sizes(Settings settings, Clients kind) {
    List<Integer> sizes = new ArrayList<>(settings.herdSizes());
    if (ASYNC.contains(kind)) sizes.addAll(settings.asyncHerdSizes());
    return sizes;
  }

  private static Result run(Clients kind, int size, ClientSide side, Progress progress) throws Exception {
    progress.say("herd: " + kind.id() + " × " + size);
    try (AuthServer server = AuthServer.builder(Profile.OAUTH2).accessTtl(Duration.ofHours(1)).start()) {
      double[] plain = side.plain(kind, size, server, server.issueTokens(server.username()));
      server.reset();
      server.expireAccessTokens();
      return side.herd(kind, size, plain, server);
    }
  }

  private static Result result(Clients kind, int size, AuthServer server, double[] plain, long succeeded, long failed,
      double p50, double p99, int extraThreads) {
    Counters c = server.counters();
    return new Result(kind.id(), size, c.refreshCalls(), succeeded, failed, c.rejectedRequests(), plain[0], plain[1],
        p50, p99, Stats.round(p50 - plain[0], 1), Stats.round(p99 - plain[1], 1), extraThreads, (long) plain[2]);
  }

  private static final class InProcessSide implements ClientSide {
    private HerdClient client;

    @Override
    public double[] plain(Clients kind, int size, AuthServer server, IssuedTokens tokens) throws Exception {
      client = new HerdClient(kind, server.dialect(), tokens.toTokens(Instant.now()), server.apiUri("/api/me"));
      Burst.Outcome plain = client.plain(size);
      return new double[] {plain.p50Millis(), plain.p99Millis(), plain.failed()};
    }

    @Override
    public Result herd(Clients kind, int size, double[] plain, AuthServer server) throws Exception {
      int[] extraThreads = new int[1];
      Burst.Outcome herd = client.herd(size, extraThreads);
      client.close();
      return result(kind, size, server, plain, herd.succeeded(), herd.failed(), herd.p50Millis(), herd.p99Millis(),
          extraThreads[0]);
    }

    @Override
    public void close() {
      if (client != null) client.close();
    }
  }

  /** The client's side in a {@link HerdClientMain} JVM, spoken to line by line. */
  private static final class ChildSide implements ClientSide {
    private final Process process;
    private final PrintStream to;
    private final BufferedReader from;

    ChildSide(Clients kind, String classPath, Path work) throws IOException {
      process = new ProcessBuilder(ChildJvm.java(), "-Xmx1g", "-cp", classPath, HerdClientMain.class.getName())
          .redirectError(work.resolve("herd-" + kind.id() + ".log").toFile()).start();
      to = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
      from = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    @Override
    public double[] plain(Clients kind, int size, AuthServer server, IssuedTokens tokens) throws IOException {
      to.println("herd " + kind.id() + " " + size);
      to.println(server.refreshUri());
      to.println(server.clientId());
      to.println(server.apiUri("/api/me"));
      to.println(tokens.accessToken());
      to.println(tokens.refreshToken());
      String[] plain = expect("plain").split(" ");
      return new double[] {Double.parseDouble(plain[1]), Double.parseDouble(plain[2]), Double.parseDouble(plain[3])};
    }

    @Override
    public Result herd(Clients kind, int size, double[] plain, AuthServer server) throws IOException {
      to.println("go");
      JsonNode herd = Json.MAPPER.readTree(expect("{"));
      return result(kind, size, server, plain, herd.path("succeeded").asLong(), herd.path("failed").asLong(),
          herd.path("p50Millis").asDouble(), herd.path("p99Millis").asDouble(), herd.path("extraThreads").asInt());
    }

    private String expect(String prefix) throws IOException {
      String line = from.readLine();
      if (line == null || !line.startsWith(prefix)) {
        throw new IOException("the herd's client JVM answered " + (line == null ? "nothing (it ended)" : "'" + line
            + "'") + "; see its log");
      }
      return line;
    }

    @Override
    public void close() throws InterruptedException {
      to.println("exit");
      if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly();
    }
  }
}
