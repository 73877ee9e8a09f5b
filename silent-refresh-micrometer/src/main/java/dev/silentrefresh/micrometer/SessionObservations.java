package dev.silentrefresh.micrometer;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One Micrometer {@link Observation} per refresh of a session, named {@value #NAME}: a span in a trace where a
 * tracer is set up, and a timer where a meter handler is (Spring Boot registers both). Low-cardinality keys:
 * {@code session}, and {@code outcome} = {@code refreshed|adopted|failed|dead} (as {@link SessionMetrics});
 * a failed refresh carries its {@link RefreshFailedException} as the error (its message has no token). Each
 * retry is an event {@code retry} on it.
 *
 * <pre>{@code
 * TokenSession session = TokenSession.builder(dialect, transport)
 *     .listener(SessionObservations.of(observationRegistry, "github")).build();
 * }</pre>
 *
 * <p>Threads: refreshes start and end on the session's executor; the observation is started and stopped there,
 * and never opened as the current scope of a thread.
 */
public final class SessionObservations implements SessionListener {
  /** The observation's name. */
  public static final String NAME = "silentrefresh.session.refresh";
  private static final Observation.Event RETRY = Observation.Event.of("retry", "a refresh attempt failed; trying again");

  private final ObservationRegistry registry;
  private final String sessionName;
  private final AtomicReference<@Nullable Observation> current = new AtomicReference<>();

  private SessionObservations(ObservationRegistry registry, String sessionName) {
    this.registry = registry;
    this.sessionName = sessionName;
  }

  /** Observations of the session called {@code sessionName} (a key value, not a secret) in {@code registry}. */
  public static SessionObservations of(ObservationRegistry registry, String sessionName) {
    if (registry == null) throw new IllegalArgumentException("registry is null");
    if (sessionName == null || sessionName.isEmpty()) throw new IllegalArgumentException("sessionName is empty");
    return new SessionObservations(registry, sessionName);
  }

  @Override
  public void refreshStarted() {
    Observation next = Observation.createNotStarted(NAME, registry)
        .contextualName("refresh " + sessionName)
        .lowCardinalityKeyValue("session", sessionName)
        .start();
    Observation overtaken = current.getAndSet(next); // a sign-in or sign-out overtook the one before
    if (overtaken != null) overtaken.lowCardinalityKeyValue("outcome", "overtaken").stop();
  }

  @Override
  public void refreshed(@Nullable Instant newExpiry, Duration took, boolean adopted) {
    end(adopted ? "adopted" : "refreshed", null);
  }

  @Override
  public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
    if (!willRetry) {
      end("failed", failure);
      return;
    }
    Observation o = current.get();
    if (o != null) o.event(RETRY);
  }

  @Override
  public void loginRequired(LoginRequiredException reason) {
    if (reason.reason() == LoginRequiredException.Reason.REFRESH_REJECTED) end("dead", null);
  }

  private void end(String outcome, @Nullable Throwable error) {
    Observation o = current.getAndSet(null);
    if (o == null) return;
    o.lowCardinalityKeyValue("outcome", outcome);
    if (error != null) o.error(error);
    o.stop();
  }

  @Override
  public String toString() {
    return "SessionObservations{" + sessionName + '}';
  }
}
