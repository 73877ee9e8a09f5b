package dev.silentrefresh.micrometer;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
import dev.silentrefresh.TokenSession;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Micrometer meters for one {@link TokenSession}, fed by its events. Every meter is tagged
 * {@code session=<name>}; none carries a token.
 *
 * <pre>{@code
 * SessionMetrics metrics = SessionMetrics.of(registry, "github");
 * TokenSession session = TokenSession.builder(dialect, transport).listener(metrics).build();
 * metrics.watch(session); // the requests-waiting gauge
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code silentrefresh.refresh}</td><td>timer</td><td>{@code outcome=refreshed|adopted|failed|dead}</td>
 *       <td>refreshes and how long each took from start to end: new tokens from the endpoint (refreshed), or
 *       from the store, where another session or process had refreshed (adopted); gave up after its tries or
 *       deadline, session kept (failed); the refresh token was rejected and the session ended (dead)</td></tr>
 *   <tr><td>{@code silentrefresh.refresh.failures}</td><td>counter</td><td>{@code reason}, {@code retried}</td>
 *       <td>refresh attempts that failed without ending the session ({@code RefreshFailedException.Reason})</td></tr>
 *   <tr><td>{@code silentrefresh.login.required}</td><td>counter</td><td>{@code reason}</td>
 *       <td>ended sessions; {@code reason=refresh_rejected} is a dead refresh token</td></tr>
 *   <tr><td>{@code silentrefresh.relogins}</td><td>counter</td><td></td><td>logins by the login handler</td></tr>
 *   <tr><td>{@code silentrefresh.rejected.replies}</td><td>counter</td><td></td>
 *       <td>API replies that rejected the access token</td></tr>
 *   <tr><td>{@code silentrefresh.replays}</td><td>counter</td><td>{@code outcome=replayed|skipped}</td>
 *       <td>rejected requests sent again, or not (a body that cannot be sent twice)</td></tr>
 *   <tr><td>{@code silentrefresh.waiting}</td><td>gauge</td><td></td>
 *       <td>requests waiting for a refresh or a login now (after {@link #watch})</td></tr>
 * </table>
 *
 * <p>Threads: the listener methods run where the session fires them (its executor, or a request's thread);
 * each only increments a meter.
 */
public final class SessionMetrics implements SessionListener {
  static final String PREFIX = "silentrefresh.";

  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer refreshed;
  private final Timer adopted;
  private final Timer failed;
  private final Timer dead;
  /** When the refresh in the air started ({@link System#nanoTime()}), 0 when none: one at a time per session. */
  private final AtomicLong startedNanos = new AtomicLong();
  private final Counter relogins;
  private final Counter rejectedReplies;
  private final Counter replayed;
  private final Counter replaySkipped;
  private final AtomicReference<TokenSession> watched = new AtomicReference<>();

  private SessionMetrics(MeterRegistry registry, String sessionName) {
    this.registry = registry;
    this.tags = Tags.of("session", sessionName);
    this.refreshed = refreshTimer("refreshed");
    this.adopted = refreshTimer("adopted");
    this.failed = refreshTimer("failed");
    this.dead = refreshTimer("dead");
    this.relogins = Counter.builder(PREFIX + "relogins").description("logins by the login handler after a session ended")
        .tags(tags).register(registry);
    this.rejectedReplies = Counter.builder(PREFIX + "rejected.replies")
        .description("API replies that rejected the access token").tags(tags).register(registry);
    this.replayed = replays("replayed");
    this.replaySkipped = replays("skipped");
  }

  /**
   * Meters for the session called {@code sessionName} (a tag value, not a secret), registered in
   * {@code registry} at once. Register the result as the session's listener.
   */
  public static SessionMetrics of(MeterRegistry registry, String sessionName) {
    if (registry == null) throw new IllegalArgumentException("registry is null");
    if (sessionName == null || sessionName.isEmpty()) throw new IllegalArgumentException("sessionName is empty");
    return new SessionMetrics(registry, sessionName);
  }

  /**
   * Adds the {@code silentrefresh.waiting} gauge for {@code session} (the one this listener was registered
   * on). Held weakly by Micrometer; calling it again with another session is refused.
   *
   * @return this
   */
  public SessionMetrics watch(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    if (!watched.compareAndSet(null, session) && watched.get() != session) {
      throw new IllegalStateException("these metrics already watch another session");
    }
    Gauge.builder(PREFIX + "waiting", session, TokenSession::waitingForRefresh)
        .description("requests waiting for a refresh or a login").tags(tags).register(registry);
    return this;
  }

  private Timer refreshTimer(String outcome) {
    return Timer.builder(PREFIX + "refresh").description("refreshes, by outcome, from start to end")
        .tags(tags).tag("outcome", outcome).register(registry);
  }

  private Counter replays(String outcome) {
    return Counter.builder(PREFIX + "replays").description("rejected requests sent again, or not")
        .tags(tags).tag("outcome", outcome).register(registry);
  }

  @Override
  public void refreshStarted() {
    startedNanos.set(System.nanoTime() | 1); // never 0
  }

  @Override
  public void refreshed(Instant newExpiry, Duration took, boolean wasAdopted) {
    startedNanos.set(0);
    (wasAdopted ? adopted : refreshed).record(took);
  }

  /** Records the refresh in the air, if one is, as ended with {@code outcome}. */
  private void ended(Timer outcome) {
    long started = startedNanos.getAndSet(0);
    if (started != 0) outcome.record(Duration.ofNanos(Math.max(0, System.nanoTime() - started)));
  }

  @Override
  public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
    if (!willRetry) ended(failed);
    Counter.builder(PREFIX + "refresh.failures").description("refresh attempts that failed without ending the session")
        .tags(tags).tag("reason", lower(failure.reason())).tag("retried", Boolean.toString(willRetry))
        .register(registry).increment();
  }

  @Override
  public void loginRequired(LoginRequiredException reason) {
    if (reason.reason() == LoginRequiredException.Reason.REFRESH_REJECTED) ended(dead);
    Counter.builder(PREFIX + "login.required").description("sessions that ended and need a login")
        .tags(tags).tag("reason", lower(reason.reason())).register(registry).increment();
  }

  @Override
  public void reloggedIn() {
    relogins.increment();
  }

  @Override
  public void rejectedReply() {
    rejectedReplies.increment();
  }

  @Override
  public void replayed() {
    replayed.increment();
  }

  @Override
  public void replaySkipped(String reason) {
    replaySkipped.increment();
  }

  private static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "SessionMetrics" + tags;
  }
}
