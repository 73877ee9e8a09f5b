package dev.silentrefresh.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Server-side ground truth about what an {@link AuthServer} saw and decided. Every value is thread-safe and
 * read live; {@link AuthServer#reset()} sets them back to zero.
 */
public final class Counters {
  private final AtomicLong loginCalls = new AtomicLong();
  private final AtomicLong loginFailures = new AtomicLong();
  private final AtomicLong loginsThrottled = new AtomicLong();
  private final AtomicLong refreshCalls = new AtomicLong();
  private final AtomicLong refreshSucceeded = new AtomicLong();
  private final AtomicLong refreshRejected = new AtomicLong();
  private final AtomicInteger refreshesInFlight = new AtomicInteger();
  private final AtomicLong peakConcurrentRefreshes = new AtomicLong();
  private final AtomicLong reuseDetected = new AtomicLong();
  private final AtomicLong familiesRevoked = new AtomicLong();
  private final AtomicLong apiRequests = new AtomicLong();
  private final AtomicLong apiSucceeded = new AtomicLong();
  private final AtomicLong rejectedRequests = new AtomicLong();
  private final AtomicLong faultsInjected = new AtomicLong();
  private final AtomicLong refreshRepliesDropped = new AtomicLong();
  private final AtomicLong refreshRequestsDropped = new AtomicLong();

  Counters() {
  }

  /** Requests to the login endpoint (any outcome). Programmatic {@code issueTokens} calls are not counted. */
  public long loginCalls() {
    return loginCalls.get();
  }

  /** Logins refused for a wrong username or password (not those refused by the throttle). */
  public long loginFailures() {
    return loginFailures.get();
  }

  /**
   * Logins refused with 429 because their username failed too often just before (see
   * {@link AuthServer.Builder#loginThrottle(int, java.time.Duration)}); the password was not checked.
   */
  public long loginsThrottled() {
    return loginsThrottled.get();
  }

  /** Requests to the refresh endpoint (any outcome, including faulted ones and a wrong client credential). */
  public long refreshCalls() {
    return refreshCalls.get();
  }

  /**
   * Refreshes that issued new tokens (counted when the server committed them, so a refresh whose reply was
   * replaced by one of the {@code *_AFTER_COMMIT} faults counts here too; see {@link #refreshRepliesDropped()}).
   */
  public long refreshSucceeded() {
    return refreshSucceeded.get();
  }

  /**
   * Refreshes decided "dead refresh token" (unknown, revoked, expired or reused), counted at the decision like
   * {@link #refreshSucceeded()}. A wrong client credential is not counted here.
   */
  public long refreshRejected() {
    return refreshRejected.get();
  }

  /**
   * The largest number of refresh requests that were being handled at the same instant, measured from the
   * handler's entry to its reply (injected latency included).
   */
  public long peakConcurrentRefreshes() {
    return peakConcurrentRefreshes.get();
  }

  /** Already-rotated refresh tokens presented outside the grace window while reuse detection was on. */
  public long reuseDetected() {
    return reuseDetected.get();
  }

  /** Token families revoked because of reuse detection ({@link AuthServer#revokeAllRefreshTokens()} is not counted). */
  public long familiesRevoked() {
    return familiesRevoked.get();
  }

  /** Requests to {@code /api/*}, rejected ones included. */
  public long apiRequests() {
    return apiRequests.get();
  }

  /** API requests answered 200 with the protected content. */
  public long apiSucceeded() {
    return apiSucceeded.get();
  }

  /** API replies that said the access token was expired, invalid or missing. */
  public long rejectedRequests() {
    return rejectedRequests.get();
  }

  /** Requests whose reply (or its timing: {@link Faults.Fault#LATENCY}) was changed by a {@link Faults} rule. */
  public long faultsInjected() {
    return faultsInjected.get();
  }

  /**
   * Refreshes that were committed (new tokens issued, counted in {@link #refreshSucceeded()} too) but whose
   * tokens never reached the client, because {@link Faults.Fault#DROP_AFTER_COMMIT},
   * {@link Faults.Fault#DISCONNECT_AFTER_COMMIT} or {@link Faults.Fault#HANG_AFTER_COMMIT} replaced the reply.
   * Counted when the rotation is committed, before the reply is dropped or held.
   */
  public long refreshRepliesDropped() {
    return refreshRepliesDropped.get();
  }

  /**
   * Refresh requests that {@link Faults.Fault#HANG_BEFORE_COMMIT} held and then dropped without a response and
   * without deciding anything (nothing rotated, so not in {@link #refreshSucceeded()} nor {@link #refreshRejected()}).
   * Counted when the hold begins.
   */
  public long refreshRequestsDropped() {
    return refreshRequestsDropped.get();
  }

  /** All counters by their camelCase name, in declaration order (for JSON output). */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("loginCalls", loginCalls());
    m.put("loginFailures", loginFailures());
    m.put("loginsThrottled", loginsThrottled());
    m.put("refreshCalls", refreshCalls());
    m.put("refreshSucceeded", refreshSucceeded());
    m.put("refreshRejected", refreshRejected());
    m.put("peakConcurrentRefreshes", peakConcurrentRefreshes());
    m.put("reuseDetected", reuseDetected());
    m.put("familiesRevoked", familiesRevoked());
    m.put("apiRequests", apiRequests());
    m.put("apiSucceeded", apiSucceeded());
    m.put("rejectedRequests", rejectedRequests());
    m.put("faultsInjected", faultsInjected());
    m.put("refreshRepliesDropped", refreshRepliesDropped());
    m.put("refreshRequestsDropped", refreshRequestsDropped());
    return m;
  }

  @Override
  public String toString() {
    return "Counters" + snapshot();
  }

  void incLoginCalls() {
    loginCalls.incrementAndGet();
  }

  void incLoginFailures() {
    loginFailures.incrementAndGet();
  }

  void incLoginsThrottled() {
    loginsThrottled.incrementAndGet();
  }

  void incApiRequests() {
    apiRequests.incrementAndGet();
  }

  void incApiSucceeded() {
    apiSucceeded.incrementAndGet();
  }

  void incRejectedRequests() {
    rejectedRequests.incrementAndGet();
  }

  void incRefreshSucceeded() {
    refreshSucceeded.incrementAndGet();
  }

  void incRefreshRejected() {
    refreshRejected.incrementAndGet();
  }

  void incReuseDetected() {
    reuseDetected.incrementAndGet();
  }

  void incFamiliesRevoked() {
    familiesRevoked.incrementAndGet();
  }

  void incFaultsInjected() {
    faultsInjected.incrementAndGet();
  }

  void incRefreshRepliesDropped() {
    refreshRepliesDropped.incrementAndGet();
  }

  void incRefreshRequestsDropped() {
    refreshRequestsDropped.incrementAndGet();
  }

  /** A refresh request entered the handler. Pair with {@link #refreshFinished()}. */
  void refreshStarted() {
    refreshCalls.incrementAndGet();
    long now = refreshesInFlight.incrementAndGet();
    long peak;
    do {
      peak = peakConcurrentRefreshes.get();
    } while (now > peak && !peakConcurrentRefreshes.compareAndSet(peak, now));
  }

  void refreshFinished() {
    refreshesInFlight.decrementAndGet();
  }

  void reset() {
    for (AtomicLong c : new AtomicLong[] {loginCalls, loginFailures, loginsThrottled, refreshCalls, refreshSucceeded,
        refreshRejected, reuseDetected, familiesRevoked, apiRequests, apiSucceeded, rejectedRequests, faultsInjected,
        refreshRepliesDropped, refreshRequestsDropped}) {
      c.set(0);
    }
    // refreshes still in flight stay counted, so the peak restarts from them
    peakConcurrentRefreshes.set(Math.max(0, refreshesInFlight.get()));
  }
}
