package dev.silentrefresh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.silentrefresh.Dialect;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.redis.RedisTokenStore;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code fleet-node} (hidden): one process of {@code demo --fleet}, started and driven by the parent process over its
 * stdin and stdout, one line per message. Nothing secret is on its command line: the Redis URI (which may hold a
 * password) comes on stdin, the tokens come from Redis. It ends when its input ends, so it never outlives its parent.
 *
 * <p>Parent to node: {@code run <RunSpec as JSON>} (set up a session on the shared Redis session; answered
 * {@code ready} or {@code error <message>}), {@code go} (start the virtual users), {@code stop} (stop them; answered
 * {@code result <FleetProcess as JSON>}), {@code quit}.
 *
 * <p>Node to parent: {@code hello <pid>} once; during a run {@code refreshed <epoch millis> made|adopted} whenever the
 * session got new tokens, {@code settled <generation>} when a request that began with the tokens of that generation
 * (the count of new tokens so far) succeeded and no request that began with older tokens is still running (so the
 * next expiry meets no request that has already met one: a request lives through one expiry at most, as with real
 * token lifetimes, and never runs out of replays because the demo expires faster than it answers), and every 100 ms {@code stats <requests> <succeeded> <failed> <replays>
 * <waiting>} (cumulative, for the live line and the timeline); {@code failure <count> <reason>} lines precede a result
 * that has failures.
 */
@Command(name = "fleet-node", hidden = true,
    description = "One process of demo --fleet, driven by its parent over stdin and stdout; not for direct use.")
final class FleetNodeCommand implements Callable<Integer> {
  static final String NAME = "fleet-node";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long STATS_MILLIS = 100;

  /** What one run needs; sent on stdin, never on a command line (the Redis URI may carry a password). */
  record RunSpec(int process, String redis, String session, String dialect, String refreshUri, String clientId,
      String clientCredential, String api, String client, int users, boolean soak) {}

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The parent's messages; {@link System#in} unless a test sets it. */
  InputStream in = System.in;

  private PrintWriter out;
  private @Nullable Run run;

  @Override
  public Integer call() throws IOException {
    out = spec.commandLine().getOut();
    send("hello " + ProcessHandle.current().pid());
    // The parent's messages are read on a thread of their own, so that the end of the input (the parent is gone,
    // however it went) ends this process at once, whatever the main thread is doing (setting a run up, stopping one).
    BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        for (String line; (line = lines.readLine()) != null; ) {
          messages.add(line);
          if (line.equals("quit")) return;
        }
      } catch (IOException e) {
        // the same as the end of the input
      }
      Runtime.getRuntime().halt(0); // an orphan: nobody reads its output any more, so nothing is worth finishing
    }, "fleet-node-input");
    reader.setDaemon(true);
    reader.start();
    try {
      for (String line; !(line = messages.take()).equals("quit"); ) {
        handle(line);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Told to quit: Main exits the JVM, closing nothing gracefully. The sockets go with the process; no refresh is in
    // flight between runs, so no refresh lock is left held.
    return 0;
  }

  private void handle(String line) {
    if (line.startsWith("run ")) {
      if (run != null) run.close();
      run = null;
      try {
        run = new Run(JSON.readValue(line.substring(4), RunSpec.class));
        send("ready");
      } catch (Exception e) {
        send("error " + oneLine(e));
      }
    } else if (line.equals("go") && run != null) {
      run.go();
    } else if (line.equals("stop") && run != null) {
      Run r = run;
      run = null;
      FleetProcess result = r.stop();
      for (Map.Entry<String, Long> reason : r.reasons.entrySet()) {
        send("failure " + reason.getValue() + " " + reason.getKey());
      }
      try {
        send("result " + JSON.writeValueAsString(result));
      } catch (IOException e) {
        send("error " + oneLine(e));
      }
      r.close();
    } else {
      send("error unexpected message: " + line.split(" ", 2)[0]);
    }
  }

  private synchronized void send(String line) {
    out.println(line);
    out.flush();
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return m.replaceAll("\\s+", " ").trim();
  }

  /** The client side of the reference server's dialect (a public OAuth2 client), as {@code AuthServer.dialect()}. */
  static Dialect dialect(Profile profile, URI refreshUri, String clientId, String clientCredential) {
    return switch (profile) {
      case OAUTH2 -> Dialect.oauth2(refreshUri, clientId);
      case PUT_BEARER -> Dialect.putBearer(refreshUri);
      case CODE_1002 -> Dialect.code1002(refreshUri, clientCredential);
      case CODE_50014 -> Dialect.code50014(refreshUri);
      case CODE_401 -> Dialect.code401(refreshUri);
    };
  }

  /** One run: this process's session on the shared Redis session, and its virtual users. */
  private final class Run implements SessionListener, AutoCloseable {
    private final RunSpec spec;
    private final ClientUnderTest client;
    private final RedisClient redis;
    private final RedisTokenStore store;
    private final TokenSession session;
    private final Caller caller;
    private final URI api;
    private final AtomicInteger generation = new AtomicInteger();
    private final AtomicInteger settled = new AtomicInteger(-1);
    /** The highest generation a successful request began with. */
    private final AtomicInteger succeededWith = new AtomicInteger(-1);
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong succeeded = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong refreshed = new AtomicLong();
    private final AtomicLong adopted = new AtomicLong();
    private final AtomicLong replays = new AtomicLong();
    private final AtomicLong loginRequired = new AtomicLong();
    private final AtomicLong refreshesFailed = new AtomicLong();
    private final AtomicLong hung = new AtomicLong();
    private final Map<String, Long> reasons = new ConcurrentHashMap<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final List<User> users = new ArrayList<>();
    private @Nullable ScheduledExecutorService stats;

    Run(RunSpec spec) {
      this.spec = spec;
      Profile profile = Profile.fromId(spec.dialect());
      this.api = URI.create(spec.api());
      this.client = Clients.parse(spec.client()).get(0).create();
      this.redis = RedisClient.create(RedisURI.create(spec.redis()));
      try {
        this.store = RedisTokenStore.builder(redis, spec.session()).build();
      } catch (RuntimeException e) {
        client.close();
        redis.shutdown(0, 2, TimeUnit.SECONDS);
        throw e;
      }
      TokenSession.Builder b = TokenSession.builder(dialect(profile, URI.create(spec.refreshUri()), spec.clientId(),
              spec.clientCredential()), client.transport())
          .store(store)
          .listener(this);
      if (spec.soak()) b.refreshTimeout(SoakRun.REFRESH_TIMEOUT).retry(SoakRun.TRIES, SoakRun.INITIAL_BACKOFF, SoakRun.MAX_BACKOFF);
      this.session = b.build();
      this.caller = client.caller(session);
    }

    void go() {
      for (int i = 0; i < spec.users(); i++) {
        User user = new User();
        Thread t = new Thread(user, "virtual-user-" + i);
        t.setDaemon(true);
        user.thread = t;
        users.add(user);
      }
      users.forEach(u -> u.thread.start());
      stats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fleet-node-stats");
        t.setDaemon(true);
        return t;
      });
      stats.scheduleAtFixedRate(() -> send("stats " + requests.get() + " " + succeeded.get() + " " + failed.get()
          + " " + replays.get() + " " + session.waitingForRefresh()), 0, STATS_MILLIS, TimeUnit.MILLISECONDS);
    }

    FleetProcess stop() {
      stopping.set(true);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      for (User u : users) {
        try {
          u.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (stats != null) {
        stats.shutdownNow();
        try {
          stats.awaitTermination(5, TimeUnit.SECONDS); // no stats line after the result
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      long[] all = new long[0];
      for (User u : users) {
        if (u.thread.isAlive()) hung.incrementAndGet();
        int n = u.count; // a user still running (it outlived the wait) adds no more than this
        int at = all.length;
        all = Arrays.copyOf(all, at + n);
        System.arraycopy(u.latencies, 0, all, at, n);
      }
      Arrays.sort(all);
      return new FleetProcess(spec.process(), ProcessHandle.current().pid(), requests.get(), succeeded.get(),
          failed.get(), refreshed.get(), adopted.get(), replays.get(), loginRequired.get(), refreshesFailed.get(),
          hung.get(), HerdCommand.percentileMillis(all, 50), HerdCommand.percentileMillis(all, 99));
    }

    @Override
    public void close() {
      stopping.set(true);
      if (stats != null) stats.shutdownNow();
      client.close();
      store.close();
      redis.shutdown(0, 2, TimeUnit.SECONDS); // no quiet period: nothing else runs on it
    }

    @Override
    public void refreshed(@Nullable Instant newExpiry, Duration took, boolean wasAdopted) {
      (wasAdopted ? adopted : refreshed).incrementAndGet();
      generation.incrementAndGet();
      send("refreshed " + System.currentTimeMillis() + (wasAdopted ? " adopted" : " made"));
    }

    @Override
    public void replayed() {
      replays.incrementAndGet();
    }

    @Override
    public void refreshFailed(dev.silentrefresh.RefreshFailedException failure, int attempt, boolean willRetry) {
      if (!willRetry) refreshesFailed.incrementAndGet();
    }

    @Override
    public void loginRequired(LoginRequiredException reason) {
      loginRequired.incrementAndGet();
    }

    /**
     * Says {@code settled g} for the highest generation g a successful request began with, once no request that began
     * with an older one is still running.
     */
    private void settle() {
      int g = succeededWith.get();
      for (User u : users) {
        int running = u.inFlightWith;
        if (running >= 0 && running < g) return; // that request's end settles it
      }
      for (int s; (s = settled.get()) < g; ) {
        if (settled.compareAndSet(s, g)) {
          send("settled " + g);
          break;
        }
      }
    }

    /** A virtual user: calls the API, pauses 100–300 ms as people do, again; records each call's latency. */
    private final class User implements Runnable {
      Thread thread;
      /** The generation the running request began with; -1 between requests. */
      volatile int inFlightWith = -1;
      volatile long[] latencies = new long[256];
      volatile int count;

      @Override
      public void run() {
        while (!stopping.get()) {
          int startedWith = generation.get();
          inFlightWith = startedWith;
          long start = System.nanoTime();
          String failure;
          try {
            CallReply reply = caller.get(api);
            failure = reply.status() == 200 && reply.body().contains(DemoRun.BIG_ID) ? null : "HTTP " + reply.status();
          } catch (IOException | RuntimeException e) {
            failure = spec.soak() ? SoakRun.reasonOf(e) : e.getClass().getSimpleName() + ": " + oneLine(e);
          }
          long took = System.nanoTime() - start;
          if (spec.soak() && took > SoakRun.HUNG.toNanos()) hung.incrementAndGet();
          if (count == latencies.length) latencies = Arrays.copyOf(latencies, count * 2);
          latencies[count++] = took;
          requests.incrementAndGet();
          inFlightWith = -1;
          if (failure == null) {
            succeeded.incrementAndGet();
            succeededWith.accumulateAndGet(startedWith, Math::max);
          } else {
            failed.incrementAndGet();
            reasons.merge(failure, 1L, Long::sum);
          }
          settle();
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(100, 300)));
        }
      }
    }
  }
}
