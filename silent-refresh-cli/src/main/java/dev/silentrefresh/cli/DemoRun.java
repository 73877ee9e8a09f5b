package dev.silentrefresh.cli;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Counters;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One demo run: a reference server speaking one dialect, one signed-in session through one client,
 * virtual users calling the API for the duration. Access tokens are refreshed ahead of expiry. At 30 %
 * of the run the server expires every access token at once: a burst of rejections that one refresh
 * absorbs. At 60 % (and not before that refresh happened) the login ends on the server (its refresh tokens
 * are revoked) and the access tokens expire again, so the refresh meets a dead refresh token, the login
 * handler signs in again and the waiting requests resume.
 *
 * <p>The phases are driven by what happened, not only by the clock: a phase waits for the previous one's
 * effect, and the run goes on past its duration (at most {@link #OVERTIME}) until the re-login was seen and a
 * request succeeded after it. On a slow or busy machine the run takes longer; it never skips a phase.
 */
final class DemoRun {
  static final String BIG_ID = "9223372036854775807";

  record Options(Profile profile, Clients client, int users, Duration duration, Duration accessTtl,
      Duration refreshTtl, long bucketMillis) {}

  /** A live view of a run in progress, for the progress line. */
  record Progress(String run, long elapsedMillis, long requests, long refreshes, int waiting, long failed) {}

  record Result(RunSummary summary, Timeline timeline, Map<String, Long> failureReasons) {}

  /** How long a run may go on past its duration waiting for its phases to take effect. */
  static final Duration OVERTIME = Duration.ofSeconds(60);

  private DemoRun() {}

  /**
   * Exercises {@code kind} for {@code duration} against a throwaway server, with tokens expiring all
   * along, so that the measured runs start with the JIT done.
   */
  static Duration warmUp(Clients kind, Duration duration) throws Exception {
    try (AuthServer server = AuthServer.builder(Profile.CODE_1002).start();
         ClientUnderTest client = kind.create()) {
      TokenSession session = TokenSession.builder(server.dialect(), client.transport()).build();
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      Caller caller = client.caller(session);
      URI me = server.apiUri("/api/me");
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long lastHalf = start + duration.toNanos() / 2;
      List<java.util.concurrent.CompletableFuture<CallReply>> calls = new ArrayList<>();
      List<Long> latencies = new ArrayList<>();
      while (System.nanoTime() < end) {
        calls.clear();
        long sent = System.nanoTime();
        for (int i = 0; i < 20; i++) calls.add(caller.getAsync(me));
        for (java.util.concurrent.CompletableFuture<CallReply> c : calls) c.get(30, java.util.concurrent.TimeUnit.SECONDS);
        if (sent >= lastHalf) latencies.add(System.nanoTime() - sent); // a batch: refresh and replays included
        server.expireAccessTokens();
      }
      latencies.sort(null);
      return Duration.ofNanos(latencies.isEmpty() ? 0 : latencies.get((int) Math.floor(0.99 * (latencies.size() - 1))));
    }
  }

  /**
   * An access token lifetime this machine can honour: at least {@code floor}, and long enough that a token is
   * not likely to expire on its way, given the slowest round trip seen in the warm-up ({@code worstLatency},
   * a whole refresh-and-replay batch). The server's {@code exp} has one-second resolution, so a token lives
   * up to a second less than its lifetime: one second is added for that.
   */
  static Duration accessTtlFor(Duration worstLatency, Duration floor) {
    long needed = (long) Math.ceil(worstLatency.toMillis() * 10 / 1000.0) + 1;
    return Duration.ofSeconds(Math.max(floor.toSeconds(), needed));
  }

  static Result run(Options o, Consumer<Progress> progress) throws IOException {
    try (AuthServer server = AuthServer.builder(o.profile())
            .accessTtl(o.accessTtl())
            .refreshTtl(o.refreshTtl())
            .rotation(true)
            .reuseDetection(true)
            .start();
         ClientUnderTest client = o.client().create()) {
      long startNanos = System.nanoTime();
      long startEpochMillis = System.currentTimeMillis();
      Recorder recorder = new Recorder(startNanos, startEpochMillis);
      DemoLogin login = new DemoLogin(server, HttpClient.newHttpClient(), recorder::obtained);
      TokenSession session = TokenSession.builder(server.dialect(), client.transport())
          .listener(recorder)
          .loginHandler(login)
          .build();
      login.signIn(session);

      Caller caller = client.caller(session);
      URI me = server.apiUri("/api/me");
      AtomicLong requests = new AtomicLong();
      AtomicLong succeeded = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      Map<String, Long> reasons = new ConcurrentHashMap<>();
      long deadline = startNanos + o.duration().toNanos();
      long overtime = deadline + OVERTIME.toNanos();
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();

      List<Thread> users = new ArrayList<>();
      for (int i = 0; i < o.users(); i++) {
        Thread t = new Thread(() -> {
          while (!stop.get()) {
            String failure;
            try {
              CallReply reply = caller.get(me);
              failure = reply.status() == 200 && reply.body().contains(BIG_ID) ? null : "HTTP " + reply.status();
            } catch (IOException | RuntimeException e) {
              failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            }
            requests.incrementAndGet();
            if (failure == null) {
              succeeded.incrementAndGet();
            } else {
              failed.incrementAndGet();
              reasons.merge(failure, 1L, Long::sum);
            }
            // think time between a user's calls
            LockSupport.parkNanos(Duration.ofMillis(ThreadLocalRandom.current().nextLong(100, 300)).toNanos());
          }
        }, "virtual-user-" + i);
        t.setDaemon(true);
        users.add(t);
      }
      users.forEach(Thread::start);

      String name = o.profile().id() + " · " + client.name();
      Counters counters = server.counters();
      List<Timeline.Sample> samples = new ArrayList<>();
      long[] last = new long[5];
      long bucketNanos = o.bucketMillis() * 1_000_000;
      long nextSample = startNanos + bucketNanos;
      long burstAt = startNanos + o.duration().toNanos() * 3 / 10;
      long loginEndsAt = startNanos + o.duration().toNanos() * 6 / 10;
      long refreshesAtBurst = -1; // set when the burst happened
      long succeededAtRelogin = -1; // set once the re-login was seen
      boolean loginEnded = false;
      boolean running = true;
      while (running) {
        long t = System.nanoTime();
        if (refreshesAtBurst < 0 && t >= burstAt) {
          refreshesAtBurst = counters.refreshCalls();
          server.expireAccessTokens();
          recorder.mark("server expired every access token");
        } else if (!loginEnded && refreshesAtBurst >= 0 && t >= loginEndsAt
            && counters.refreshCalls() > refreshesAtBurst) { // the burst was absorbed first
          server.revokeAllRefreshTokens();
          server.expireAccessTokens();
          recorder.mark("login ended; server expired every access token");
          loginEnded = true;
        }
        if (succeededAtRelogin < 0 && recorder.relogins.get() > 0) {
          succeededAtRelogin = succeeded.get();
        }
        boolean phasesDone = succeededAtRelogin >= 0 && succeeded.get() > succeededAtRelogin;
        if (t >= overtime || t >= deadline && phasesDone) {
          stop.set(true);
        }
        LockSupport.parkNanos(Math.max(0, nextSample - System.nanoTime()));
        running = users.stream().anyMatch(Thread::isAlive);
        long[] now = {requests.get(), counters.rejectedRequests(), counters.refreshCalls(), recorder.replays.get(), failed.get()};
        int waiting = session.waitingForRefresh();
        samples.add(new Timeline.Sample((nextSample - startNanos) / 1_000_000,
            (int) (now[0] - last[0]), (int) (now[1] - last[1]), (int) (now[2] - last[2]),
            (int) (now[3] - last[3]), (int) (now[4] - last[4]), waiting));
        last = now;
        progress.accept(new Progress(name, (nextSample - startNanos) / 1_000_000, now[0], now[2], waiting, now[4]));
        nextSample += bucketNanos;
      }
      long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;

      RunSummary summary = new RunSummary(o.profile().id(), client.name(), requests.get(), succeeded.get(), failed.get(),
          counters.rejectedRequests(), counters.refreshCalls(), counters.peakConcurrentRefreshes(),
          counters.reuseDetected(), recorder.loginRequired.get(), recorder.relogins.get());
      Timeline timeline = new Timeline(o.profile().id(), client.name(), elapsedMillis, o.bucketMillis(),
          samples, recorder.bands, recorder.markers);
      return new Result(summary, timeline, reasons);
    }
  }

  /** Records session events on the run's time axis. */
  private static final class Recorder implements SessionListener {
    final AtomicLong replays = new AtomicLong();
    final AtomicLong loginRequired = new AtomicLong();
    final AtomicLong relogins = new AtomicLong();
    final List<Timeline.Band> bands = new CopyOnWriteArrayList<>();
    final List<Timeline.Marker> markers = new CopyOnWriteArrayList<>();
    private final long startNanos;
    private final long startEpochMillis;

    Recorder(long startNanos, long startEpochMillis) {
      this.startNanos = startNanos;
      this.startEpochMillis = startEpochMillis;
    }

    void mark(String label) {
      markers.add(new Timeline.Marker(now(), label));
    }

    private long now() {
      return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /** A new access token, from a login. */
    void obtained(Tokens tokens) {
      band(tokens.expiresAt());
    }

    private void band(Instant expiresAt) {
      if (expiresAt != null) bands.add(new Timeline.Band(now(), expiresAt.toEpochMilli() - startEpochMillis));
    }

    @Override
    public void refreshed(Instant newExpiry, Duration took, boolean adopted) {
      band(newExpiry);
    }

    @Override
    public void replayed() {
      replays.incrementAndGet();
    }

    @Override
    public void loginRequired(LoginRequiredException reason) {
      loginRequired.incrementAndGet();
      mark(reason.reason() == LoginRequiredException.Reason.REFRESH_REJECTED
          ? "refresh token expired: login required" : "login required");
    }

    @Override
    public void reloggedIn() {
      relogins.incrementAndGet();
      mark("signed in again");
    }
  }
}
