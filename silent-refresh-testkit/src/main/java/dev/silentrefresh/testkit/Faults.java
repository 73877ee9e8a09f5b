package dev.silentrefresh.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Failure injection for an {@link AuthServer}. Rules are checked per request in the order they were added;
 * the first that fires decides the request's fault. Faults other than {@link Fault#DELAY}, the three
 * {@code *_AFTER_COMMIT} faults and {@link Fault#REJECT_TOKENS} answer without processing the request (no
 * login, no rotation). Thread-safe; {@link AuthServer#reset()} calls {@link #clear()}.
 *
 * <p>"The client died in the middle of its refresh, before the server committed it":
 * {@link #holdRefreshBeforeCommit(int)} holds the refresh request on arrival, decides nothing, and when released
 * (or after {@link #delay(Duration)}) closes the connection without a response and without rotating: the presented
 * refresh token stays valid for whoever presents it next. {@link #heldRequests()} says when one is being held, and
 * {@link Counters#refreshRequestsDropped()} counts them.
 *
 * <p>"The refresh happened but its reply was lost": {@link #dropRefreshReplyAfterCommit(int)} (the connection is
 * closed without a response) and {@link #holdRefreshReplyAfterCommit(int)} (nothing is sent until the client
 * gives up, {@link #releaseHeldReplies()} or {@link #delay(Duration)} passes; then the connection is closed
 * without a response). Either way the rotation is committed first: {@link Counters#refreshSucceeded()} and
 * {@link Counters#refreshRepliesDropped()} count it, and the presented refresh token is already rotated (with
 * reuse detection and no grace, presenting it again revokes the family).
 */
public final class Faults {

  /** What goes wrong. */
  public enum Fault {
    /** 500 {@code {"error":"server_error"}}. */
    SERVER_ERROR,
    /** 503 with {@code Retry-After: 1}. */
    SERVICE_UNAVAILABLE,
    /** 502 with a {@code text/html} error page, as a proxy in front of the server would send. */
    HTML_ERROR_PAGE,
    /** 200 {@code application/json} with the body <code>{"access_tok</code> (cut off). */
    MALFORMED_JSON,
    /** 200 with the first half of a well-formed reply of the endpoint's shape. */
    TRUNCATED_JSON,
    /** 200 of the endpoint's shape whose token (or user) fields are numbers/objects instead of strings. */
    WRONG_TYPES,
    /** 200 with {@code {}} or the profile's wrapper without the token (or user) fields. */
    MISSING_FIELDS,
    /** 200 {@code application/json} of about 5 MiB. */
    HUGE_BODY,
    /** 200 {@code text/plain} {@code OK}. */
    NOT_JSON,
    /** Answer normally, after waiting {@link #delay(Duration)} (default 30 s). */
    DELAY,
    /** REFRESH only: perform the refresh (commit the rotation), then answer 500 instead of the tokens. */
    DROP_AFTER_COMMIT,
    /**
     * REFRESH only: perform the refresh (commit the rotation), then close the connection without sending any
     * response (the client sees the connection end with no status line: an {@code IOException}).
     */
    DISCONNECT_AFTER_COMMIT,
    /**
     * REFRESH only: perform the refresh (commit the rotation), then send nothing and hold the connection until
     * {@link Faults#releaseHeldReplies()}, the server closes, or {@link Faults#delay(Duration)} (default 30 s)
     * passes; then close it without a response. A client with a shorter timeout sees its own timeout.
     */
    HANG_AFTER_COMMIT,
    /** API only: treat every access token, even a fresh one, as expired (the profile's expired reply). */
    REJECT_TOKENS,
    /**
     * REFRESH only: hold the request as it arrives, before anything is decided, until
     * {@link Faults#releaseHeldRequests()}, the server closes, or {@link Faults#delay(Duration)} (default 30 s)
     * passes; then close the connection without a response and without rotating (the presented refresh token stays
     * valid). Counted in {@link Counters#refreshRequestsDropped()} when the hold begins.
     */
    HANG_BEFORE_COMMIT
  }

  static final Duration DEFAULT_DELAY = Duration.ofSeconds(30);

  private final Map<Endpoint, List<Rule>> rules = new EnumMap<>(Endpoint.class);
  private Duration delay = DEFAULT_DELAY;
  private final Hold heldReplies = new Hold();
  private final Hold heldRequests = new Hold();

  Faults() {
    for (Endpoint e : Endpoint.values()) {
      rules.put(e, new ArrayList<>());
    }
  }

  /** The next {@code times} requests to {@code endpoint} get {@code fault}. */
  public synchronized Faults failNext(Endpoint endpoint, Fault fault, int times) {
    check(endpoint, fault);
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, was " + times);
    }
    rules.get(endpoint).add(new Rule(fault, times, 1.0));
    return this;
  }

  /** Every request to {@code endpoint} gets {@code fault} until {@link #clear()}. */
  public synchronized Faults failAlways(Endpoint endpoint, Fault fault) {
    check(endpoint, fault);
    rules.get(endpoint).add(new Rule(fault, -1, 1.0));
    return this;
  }

  /** A random fraction {@code rate} (0..1) of the requests to {@code endpoint} get {@code fault}. */
  public synchronized Faults failRate(Endpoint endpoint, Fault fault, double rate) {
    check(endpoint, fault);
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("rate must be within 0..1, was " + rate);
    }
    rules.get(endpoint).add(new Rule(fault, -1, rate));
    return this;
  }

  /**
   * The next {@code times} refreshes are committed (the token rotates) and their reply is dropped: the
   * connection is closed without a response. Same as {@code failNext(REFRESH, DISCONNECT_AFTER_COMMIT, times)}.
   */
  public Faults dropRefreshReplyAfterCommit(int times) {
    return failNext(Endpoint.REFRESH, Fault.DISCONNECT_AFTER_COMMIT, times);
  }

  /**
   * The next {@code times} refreshes are committed (the token rotates) and their reply never comes: the
   * connection is held without a byte until the client times out (or {@link #releaseHeldReplies()}, server
   * close, or {@link #delay(Duration)} passes, after which it is closed without a response). Same as
   * {@code failNext(REFRESH, HANG_AFTER_COMMIT, times)}.
   */
  public Faults holdRefreshReplyAfterCommit(int times) {
    return failNext(Endpoint.REFRESH, Fault.HANG_AFTER_COMMIT, times);
  }

  /**
   * The next {@code times} refresh requests are held before anything is decided, then dropped without a response
   * and without rotating. Same as {@code failNext(REFRESH, HANG_BEFORE_COMMIT, times)}.
   */
  public Faults holdRefreshBeforeCommit(int times) {
    return failNext(Endpoint.REFRESH, Fault.HANG_BEFORE_COMMIT, times);
  }

  /** Ends every {@link Fault#HANG_BEFORE_COMMIT} hold in progress: dropped without a response, nothing rotated. */
  public void releaseHeldRequests() {
    heldRequests.release();
  }

  /** How many {@link Fault#HANG_BEFORE_COMMIT} refresh requests are being held right now (nothing committed). */
  public int heldRequests() {
    return heldRequests.holding();
  }

  /** Ends every {@link Fault#HANG_AFTER_COMMIT} hold in progress: those connections are closed without a response. */
  public void releaseHeldReplies() {
    heldReplies.release();
  }

  /** How many {@link Fault#HANG_AFTER_COMMIT} replies are being held right now (their refresh is committed). */
  public int heldReplies() {
    return heldReplies.holding();
  }

  /** How long {@link Fault#DELAY} waits before answering, and the longest a HANG_*_COMMIT holds (default 30 s). */
  public synchronized Faults delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
    this.delay = delay;
    return this;
  }

  /** Removes every rule, restores the default delay and releases held replies and held requests. */
  public synchronized void clear() {
    rules.values().forEach(List::clear);
    delay = DEFAULT_DELAY;
    heldReplies.release();
    heldRequests.release();
  }

  synchronized Duration currentDelay() {
    return delay;
  }

  /** Holds the calling request thread for HANG_AFTER_COMMIT. */
  void holdReply() {
    heldReplies.await(currentDelay());
  }

  /** Holds the calling request thread for HANG_BEFORE_COMMIT. */
  void holdRequest() {
    heldRequests.await(currentDelay());
  }

  void close() {
    heldReplies.close();
    heldRequests.close();
  }

  /** The fault for the request now arriving at {@code endpoint}, or {@code null}; consumes a failNext count. */
  synchronized Fault pick(Endpoint endpoint) {
    for (Iterator<Rule> it = rules.get(endpoint).iterator(); it.hasNext(); ) {
      Rule r = it.next();
      if (r.remaining > 0) {
        if (--r.remaining == 0) {
          it.remove();
        }
        return r.fault;
      }
      if (r.rate >= 1.0 || ThreadLocalRandom.current().nextDouble() < r.rate) {
        return r.fault;
      }
    }
    return null;
  }

  private static void check(Endpoint endpoint, Fault fault) {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(fault, "fault");
    if ((fault == Fault.DROP_AFTER_COMMIT || fault == Fault.DISCONNECT_AFTER_COMMIT
        || fault == Fault.HANG_AFTER_COMMIT || fault == Fault.HANG_BEFORE_COMMIT) && endpoint != Endpoint.REFRESH) {
      throw new IllegalArgumentException(fault + " applies to REFRESH only, not " + endpoint);
    }
    if (fault == Fault.REJECT_TOKENS && endpoint != Endpoint.API) {
      throw new IllegalArgumentException("REJECT_TOKENS applies to API only, not " + endpoint);
    }
  }

  @Override
  public synchronized String toString() {
    return "Faults" + rules + " delay=" + delay;
  }

  private static final class Rule {
    final Fault fault;
    int remaining; // > 0: failNext countdown; -1: failAlways / failRate
    final double rate;

    Rule(Fault fault, int remaining, double rate) {
      this.fault = fault;
      this.remaining = remaining;
      this.rate = rate;
    }

    @Override
    public String toString() {
      return fault + (remaining > 0 ? " x" + remaining : rate >= 1.0 ? " always" : " rate " + rate);
    }
  }
}
