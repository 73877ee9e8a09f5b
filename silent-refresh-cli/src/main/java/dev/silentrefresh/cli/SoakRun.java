package dev.silentrefresh.cli;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Counters;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One soak run: one session through one client, {@code expiries} times expired by the server while virtual users
 * call the API, with refresh faults of every kind injected at the given rate. The server rotates refresh tokens with
 * reuse detection and a grace window (a refresh whose reply was lost after the rotation committed is retried with the
 * spent token: only the grace window saves that session, so a server without one loses it; see SECURITY.md).
 *
 * <p>Expiries are paced by events: the next comes once a request that began after the last one succeeded and every
 * request that began before it has ended (so each request meets one expiry at most, as with real token lifetimes,
 * and none runs out of replays because the soak expires tokens faster than they are answered). Before each
 * expiry, each try of the refresh it causes is faulted with probability {@code faultRate}, with a kind drawn at
 * random; the faults are what the session must survive by retrying within its deadline. A refresh whose every try
 * was faulted fails its waiting requests (counted by the reason it failed with); the session must survive that too,
 * and a refresh that fails with fewer faulted tries than its tries is a problem.
 */
final class SoakRun {
  /** The session's settings: short, so that a hung reply costs a second, not the defaults' ten. */
  static final Duration REFRESH_TIMEOUT = Duration.ofSeconds(1);
  static final int TRIES = 3;
  static final Duration INITIAL_BACKOFF = Duration.ofMillis(20);
  static final Duration MAX_BACKOFF = Duration.ofMillis(100);
  /** How long the server holds a reply it was told to hang or delay: past the refresh timeout. */
  static final Duration SERVER_HOLD = REFRESH_TIMEOUT.plusMillis(500);
  /** The server's default grace window: a retry of a refresh whose reply was lost presents the spent token within it. */
  static final Duration GRACE = Duration.ofSeconds(60);
  /** A request that takes longer than this has hung: the refresh deadline, plus a wide margin for a busy machine. */
  static final Duration HUNG = REFRESH_TIMEOUT.multipliedBy(TRIES).plus(MAX_BACKOFF.multipliedBy(TRIES - 1))
      .plusSeconds(10);
  /** For one expiry to be absorbed (a request begun after it succeeding), on a busy machine. */
  static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

  record Options(Profile profile, Clients client, int users, int expiries, double faultRate, long seed, Duration grace) {}

  /** A live view, for the progress line. */
  record Progress(String run, int expiry, int expiries, long requests, long refreshCalls, long failed, long faults) {}

  record Result(String dialect, String client, int expiries, long refreshCalls, long refreshesFailed, long requests,
      long failed,
      long sessionsLost, long reuseDetected, long hung, Map<String, Long> injectedFaults, Map<String, Long> failedBy,
      long p50Millis, long p99Millis, long elapsedMillis, List<String> problems) {}

  private SoakRun() {}

  static Result run(Options o, Consumer<Progress> progress) throws IOException {
    try (AuthServer server = AuthServer.builder(o.profile())
            .accessTtl(Duration.ofHours(1)) // every refresh is one an expiry made necessary
            .refreshTtl(Duration.ofHours(24))
            .rotation(true)
            .reuseDetection(true)
            .grace(o.grace())
            .start();
         ClientUnderTest client = o.client().create()) {
      server.faults().delay(SERVER_HOLD);
      Counters counters = server.counters();
      AtomicLong sessionsLost = new AtomicLong();
      AtomicLong refreshesFailed = new AtomicLong();
      TokenSession session = TokenSession.builder(server.dialect(), client.transport())
          .refreshTimeout(REFRESH_TIMEOUT)
          .retry(TRIES, INITIAL_BACKOFF, MAX_BACKOFF)
          .listener(new SessionListener() {
            @Override
            public void loginRequired(LoginRequiredException reason) {
              sessionsLost.incrementAndGet();
            }

            @Override
            public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
              if (!willRetry) refreshesFailed.incrementAndGet();
            }
          })
          .build();
      session.signIn(server.issueTokens(server.username()).toTokensWithoutExpiry());
      String name = o.profile().id() + " · " + client.name();
      Users users = new Users(client.caller(session), server.apiUri("/api/me"), o.users());
      Random random = new Random(o.seed());
      Map<String, Long> injected = new TreeMap<>();
      List<String> problems = new ArrayList<>();
      long start = System.nanoTime();
      users.start();
      int absorbed = 0;
      long nextProgress = 0;
      try {
        for (int e = 1; e <= o.expiries(); e++) {
          FaultPlan plan = new FaultPlan(server.faults(), SERVER_HOLD, random, o.faultRate(), counters.faultsInjected());
          long failedBefore = refreshesFailed.get();
          long expiredAt = System.nanoTime();
          server.expireAccessTokens();
          if (!users.awaitAbsorbed(expiredAt, STEP_TIMEOUT, () -> sessionsLost.get() > 0)) {
            problems.add(sessionsLost.get() > 0 ? "the session was lost at expiry " + e
                : "expiry " + e + " was not absorbed within " + STEP_TIMEOUT.toSeconds() + " s");
            break;
          }
          plan.count(counters.faultsInjected(), injected);
          if (refreshesFailed.get() > failedBefore && plan.faultedTries() < TRIES) {
            problems.add("a refresh failed at expiry " + e + " though only " + plan.faultedTries() + " of its "
                + TRIES + " tries were faulted " + plan);
          }
          absorbed = e;
          long now = System.nanoTime();
          if (now >= nextProgress || e == o.expiries()) {
            progress.accept(new Progress(name, e, o.expiries(), users.requests.get(), counters.refreshCalls(),
                users.failed.get(), injected.values().stream().mapToLong(Long::longValue).sum()));
            nextProgress = now + TimeUnit.MILLISECONDS.toNanos(250);
          }
        }
      } finally {
        server.faults().clear();
        users.stop();
      }
      if (!users.awaitStopped(HUNG)) problems.add(users.running() + " virtual users did not finish their request");
      long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
      long hung = users.hung.get() + users.running();
      long[] latencies = users.latencies();
      Result r = new Result(o.profile().id(), client.name(), absorbed, counters.refreshCalls(), refreshesFailed.get(),
          users.requests.get(),
          users.failed.get(), sessionsLost.get(), counters.reuseDetected(), hung, injected, new TreeMap<>(users.reasons),
          HerdCommand.percentileMillis(latencies, 50), HerdCommand.percentileMillis(latencies, 99), elapsedMillis, problems);
      if (r.sessionsLost() > 0) problems.add(r.sessionsLost() + " session" + (r.sessionsLost() == 1 ? "" : "s") + " lost");
      if (r.reuseDetected() > 0) problems.add(r.reuseDetected() + " reuse detection" + (r.reuseDetected() == 1 ? "" : "s"));
      if (hung > 0) problems.add(hung + " request" + (hung == 1 ? "" : "s") + " hung (over " + HUNG.toSeconds() + " s)");
      return r;
    }
  }

  /** Why a request failed, by kind: the refresh failure's reason, else the reply's status or the exception's type. */
  static String reasonOf(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof RefreshFailedException) {
        return "refresh failed: " + ((RefreshFailedException) t).reason().name().toLowerCase(Locale.ROOT);
      }
      if (t instanceof LoginRequiredException) return "login required";
      if (t.getCause() == t) break;
    }
    return e.getClass().getSimpleName();
  }

  /** The virtual users: each calls the API, pauses 5–20 ms, again; records latencies, failures and hangs. */
  private static final class Users {
    private final Caller caller;
    private final URI api;
    private final Thread[] threads;
    private final long[][] latencies;
    private final int[] counts;
    /** When each user's running request began ({@link System#nanoTime()}); meaningful while {@link #busy} is set. */
    private final long[] startedAt;
    private final boolean[] busy;
    private final AtomicBoolean stopping = new AtomicBoolean();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong hung = new AtomicLong();
    final Map<String, Long> reasons = new ConcurrentHashMap<>();
    /** When the latest successful request began ({@link System#nanoTime()}). */
    private final AtomicLong lastSuccessStarted = new AtomicLong(System.nanoTime() - TimeUnit.DAYS.toNanos(1));
    private final Object changed = new Object();

    Users(Caller caller, URI api, int count) {
      this.caller = caller;
      this.api = api;
      this.threads = new Thread[count];
      this.latencies = new long[count][];
      this.counts = new int[count];
      this.startedAt = new long[count];
      this.busy = new boolean[count];
      for (int i = 0; i < count; i++) {
        int me = i;
        latencies[i] = new long[1024];
        threads[i] = new Thread(() -> loop(me), "soak-user-" + i);
        threads[i].setDaemon(true);
      }
    }

    void start() {
      for (Thread t : threads) t.start();
    }

    private void loop(int me) {
      while (!stopping.get()) {
        long started = System.nanoTime();
        synchronized (changed) {
          startedAt[me] = started;
          busy[me] = true;
        }
        String failure;
        try {
          CallReply reply = caller.get(api);
          failure = reply.status() == 200 && reply.body().contains(DemoRun.BIG_ID) ? null : "HTTP " + reply.status();
        } catch (IOException | RuntimeException e) {
          failure = reasonOf(e);
        }
        long took = System.nanoTime() - started;
        if (counts[me] == latencies[me].length) latencies[me] = Arrays.copyOf(latencies[me], counts[me] * 2);
        latencies[me][counts[me]++] = took;
        requests.incrementAndGet();
        if (took > HUNG.toNanos()) hung.incrementAndGet();
        if (failure == null) {
          lastSuccessStarted.accumulateAndGet(started, (a, b) -> b - a > 0 ? b : a);
        } else {
          failed.incrementAndGet();
          reasons.merge(failure, 1L, Long::sum);
        }
        synchronized (changed) {
          busy[me] = false;
          changed.notifyAll();
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5 + (started & 15)));
      }
    }

    /**
     * Waits until a request that began after {@code nanos} succeeded and every request that began before it ended;
     * false when {@code timeout} passed first or {@code givenUp} says there is no point waiting.
     */
    boolean awaitAbsorbed(long nanos, Duration timeout, java.util.function.BooleanSupplier givenUp) {
      long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (changed) {
        while (lastSuccessStarted.get() - nanos <= 0 || olderRunning(nanos)) {
          long left = deadline - System.nanoTime();
          if (left <= 0 || givenUp.getAsBoolean()) return false;
          try {
            TimeUnit.NANOSECONDS.timedWait(changed, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
        }
      }
      return true;
    }

    /** Whether a request that began before {@code nanos} is still running (call holding {@link #changed}). */
    private boolean olderRunning(long nanos) {
      for (int i = 0; i < busy.length; i++) {
        if (busy[i] && startedAt[i] - nanos <= 0) return true;
      }
      return false;
    }

    void stop() {
      stopping.set(true);
    }

    boolean awaitStopped(Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      for (Thread t : threads) {
        long left = deadline - System.nanoTime();
        try {
          if (left > 0) t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return running() == 0;
    }

    int running() {
      int n = 0;
      for (Thread t : threads) if (t.isAlive()) n++;
      return n;
    }

    /** Every request's latency, sorted (call once the users stopped). */
    long[] latencies() {
      int total = 0;
      for (int c : counts) total += c;
      long[] all = new long[total];
      int at = 0;
      for (int i = 0; i < threads.length; i++) {
        System.arraycopy(latencies[i], 0, all, at, counts[i]);
        at += counts[i];
      }
      Arrays.sort(all);
      return all;
    }
  }
}
