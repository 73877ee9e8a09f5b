package dev.silentrefresh.conformance;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.SessionListener;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts session events. */
public final class EventLog implements SessionListener {
  public final AtomicInteger refreshed = new AtomicInteger();
  public final AtomicInteger adopted = new AtomicInteger();
  public final AtomicInteger refreshFailed = new AtomicInteger();
  public final AtomicInteger loginRequired = new AtomicInteger();
  public final AtomicInteger relogins = new AtomicInteger();
  public final AtomicInteger replays = new AtomicInteger();
  public final AtomicInteger signedIn = new AtomicInteger();
  public final AtomicInteger signedOut = new AtomicInteger();
  public final List<String> replaySkipped = new CopyOnWriteArrayList<>();
  public final List<LoginRequiredException.Reason> loginReasons = new CopyOnWriteArrayList<>();

  @Override
  public void refreshed(Instant newExpiry, Duration took, boolean wasAdopted) {
    (wasAdopted ? adopted : refreshed).incrementAndGet();
  }

  @Override
  public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
    refreshFailed.incrementAndGet();
  }

  @Override
  public void loginRequired(LoginRequiredException reason) {
    loginRequired.incrementAndGet();
    loginReasons.add(reason.reason());
  }

  @Override
  public void reloggedIn() {
    relogins.incrementAndGet();
  }

  @Override
  public void signedIn() {
    signedIn.incrementAndGet();
  }

  @Override
  public void signedOut() {
    signedOut.incrementAndGet();
  }

  @Override
  public void replayed() {
    replays.incrementAndGet();
  }

  @Override
  public void replaySkipped(String reason) {
    replaySkipped.add(reason);
  }
}
