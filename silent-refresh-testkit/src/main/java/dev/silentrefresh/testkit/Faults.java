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
 * Failure injection for an {@link AuthServer}, settable per endpoint while it runs: from Java, from
 * {@code serve --fault} and over HTTP ({@code /_admin/faults}), all as {@link FaultRule}s. Rules are checked per
 * request in the order they were added to their endpoint; the first that fires decides the request's fault, except
 * {@link Fault#LATENCY}, which adds its wait and lets the next rules decide. Faults other than the waits, the
 * three {@code *_AFTER_COMMIT} faults and {@link Fault#REJECT_TOKENS} answer without processing the request (no
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
 *
 * <p>The network: {@link Fault#CONNECTION_RESET} (a TCP RST), {@link Fault#NEVER_ANSWER} (accepted, read, never
 * answered), {@link #latency(Endpoint, Duration)} and {@link Fault#LATENCY} (added latency), {@link Fault#DELAY}.
 */
public final class Faults {

  /**
   * What goes wrong. A fault that takes a setting (a duration: {@link #takesSetting()}) reads it from its rule
   * ({@link FaultRule#setting()}); without one, waits and holds last {@link Faults#delay(Duration)} (default 30 s)
   * and {@code Retry-After} says 1 second. {@link FaultRule#parse(String)} names each fault by its lower-case name.
   */
  public enum Fault {
    /** 500 {@code {"error":"server_error"}}. */
    SERVER_ERROR,
    /** 503 with {@code Retry-After} in seconds (the rule's setting, rounded up; default 1). */
    SERVICE_UNAVAILABLE(null, Setting.RETRY_AFTER),
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
    /** Answer normally (nothing else decided for this request), after waiting the rule's setting (default 30 s). */
    DELAY(null, Setting.WAIT),
    /** REFRESH only: perform the refresh (commit the rotation), then answer 500 instead of the tokens. */
    DROP_AFTER_COMMIT(Endpoint.REFRESH, Setting.NONE),
    /**
     * REFRESH only: perform the refresh (commit the rotation), then close the connection without sending any
     * response (the client sees the connection end with no status line: an {@code IOException}).
     */
    DISCONNECT_AFTER_COMMIT(Endpoint.REFRESH, Setting.NONE),
    /**
     * REFRESH only: perform the refresh (commit the rotation), then send nothing and hold the connection until
     * {@link Faults#releaseHeldReplies()}, the server closes, or the rule's setting (default 30 s) passes; then close
     * it without a response. A client with a shorter timeout sees its own timeout.
     */
    HANG_AFTER_COMMIT(Endpoint.REFRESH, Setting.WAIT),
    /** API only: treat every access token, even a fresh one, as expired (the profile's expired reply). */
    REJECT_TOKENS(Endpoint.API, Setting.NONE),
    /**
     * REFRESH only: hold the request as it arrives, before anything is decided, until
     * {@link Faults#releaseHeldRequests()}, the server closes, or the rule's setting (default 30 s) passes; then
     * close the connection without a response and without rotating (the presented refresh token stays valid).
     * Counted in {@link Counters#refreshRequestsDropped()} when the hold begins.
     */
    HANG_BEFORE_COMMIT(Endpoint.REFRESH, Setting.WAIT),
    /**
     * Added latency: wait the rule's setting (default 30 s), then go on with the next rules and the normal reply.
     * Unlike every other fault it does not decide the request: the latency of every LATENCY rule that fires adds
     * up, and a later rule may still fault the request.
     */
    LATENCY(null, Setting.WAIT),
    /** 429 {@code {"error":"too_many_requests"}} with {@code Retry-After} in seconds (the setting; default 1). */
    TOO_MANY_REQUESTS(null, Setting.RETRY_AFTER),
    /**
     * 429 as {@link #TOO_MANY_REQUESTS}, with {@code Retry-After} as an HTTP-date (RFC 9110 IMF-fixdate): the
     * server clock's now plus the setting (default 1 s), rounded up to the second.
     */
    TOO_MANY_REQUESTS_DATE(null, Setting.RETRY_AFTER),
    /**
     * The connection is reset (a TCP RST: {@code SO_LINGER} 0, then close) instead of any reply; the client sees
     * "connection reset". Nothing is processed.
     */
    CONNECTION_RESET,
    /**
     * The request is read and never answered: no byte, no close, no thread held, until the client gives up (its
     * own timeout) or the server closes ({@link AuthServer#close()}; also {@link Faults#clear()}), which close the
     * connection. Nothing is processed. {@link Faults#unanswered()} counts those waiting. A client that went away
     * is noticed at the server's idle timeout (30 s) at the latest.
     */
    NEVER_ANSWER;

    /** What a fault's setting means. */
    enum Setting { NONE, WAIT, RETRY_AFTER }

    private final Endpoint only;
    private final Setting setting;

    Fault() {
      this(null, Setting.NONE);
    }

    Fault(Endpoint only, Setting setting) {
      this.only = only;
      this.setting = setting;
    }

    /** Whether a rule may give this fault a duration ({@link FaultRule#setting()}). */
    public boolean takesSetting() {
      return setting != Setting.NONE;
    }

    /** Whether the fault may be set on {@code endpoint} (some apply to REFRESH or API only). */
    public boolean appliesTo(Endpoint endpoint) {
      return only == null || only == endpoint;
    }

    Setting setting() {
      return setting;
    }

    Endpoint only() {
      return only;
    }
  }

  static final Duration DEFAULT_DELAY = Duration.ofSeconds(30);
  static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private final Map<Endpoint, List<Rule>> rules = new EnumMap<>(Endpoint.class);
  private Duration delay = DEFAULT_DELAY;
  private final Hold heldReplies = new Hold();
  private final Hold heldRequests = new Hold();
  private final Unanswered unanswered = new Unanswered();

  Faults() {
    for (Endpoint e : Endpoint.values()) {
      rules.put(e, new ArrayList<>());
    }
  }

  /** The next {@code times} requests to {@code endpoint} get {@code fault}. */
  public Faults failNext(Endpoint endpoint, Fault fault, int times) {
    return add(FaultRule.next(endpoint, fault, times));
  }

  /** Every request to {@code endpoint} gets {@code fault} until {@link #clear()}. */
  public Faults failAlways(Endpoint endpoint, Fault fault) {
    return add(FaultRule.always(endpoint, fault));
  }

  /** A random fraction {@code rate} (0..1) of the requests to {@code endpoint} get {@code fault}. */
  public Faults failRate(Endpoint endpoint, Fault fault, double rate) {
    return add(FaultRule.rate(endpoint, fault, rate));
  }

  /**
   * Adds a rule after the rules of its endpoint, e.g. {@code add(FaultRule.parse("refresh=too_many_requests:30s:x2"))}
   * or {@code add(FaultRule.rate(Endpoint.API, Fault.LATENCY, 0.1).withSetting(Duration.ofMillis(200)))}.
   */
  public synchronized Faults add(FaultRule rule) {
    Objects.requireNonNull(rule, "rule");
    rules.get(rule.endpoint()).add(new Rule(rule));
    return this;
  }

  /** Removes every rule and adds {@code replacement} in its order, at once (no request sees half of it). */
  public synchronized Faults replaceAll(List<FaultRule> replacement) {
    List<FaultRule> copy = List.copyOf(replacement);
    rules.values().forEach(List::clear);
    copy.forEach(this::add);
    return this;
  }

  /**
   * Sets the latency added to every request to {@code endpoint} (on top of the builder's
   * {@link AuthServer.Builder#latency}), replacing what an earlier call set for it; {@link Duration#ZERO} removes
   * it. The same as an always-firing {@link Fault#LATENCY} rule, which also composes with the endpoint's other rules.
   */
  public synchronized Faults latency(Endpoint endpoint, Duration latency) {
    Objects.requireNonNull(endpoint, "endpoint");
    FaultRule rule = FaultRule.always(endpoint, Fault.LATENCY).withSetting(latency);
    rules.get(endpoint).removeIf(r -> r.rule.fault() == Fault.LATENCY && r.rule.isAlways());
    if (!latency.isZero()) {
      rules.get(endpoint).add(0, new Rule(rule));
    }
    return this;
  }

  /** The rules in force, per endpoint in order; a {@code next} rule with the requests it has left. */
  public synchronized List<FaultRule> rules() {
    List<FaultRule> all = new ArrayList<>();
    rules.values().forEach(list -> list.forEach(r -> all.add(r.current())));
    return List.copyOf(all);
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

  /** How many {@link Fault#NEVER_ANSWER} requests are waiting right now (their connection still open). */
  public int unanswered() {
    return unanswered.waiting();
  }

  /**
   * How long {@link Fault#DELAY} and {@link Fault#LATENCY} wait, and the longest a HANG_*_COMMIT holds, when their
   * rule has no setting of its own (default 30 s).
   */
  public synchronized Faults delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
    this.delay = delay;
    return this;
  }

  /**
   * Removes every rule, restores the default delay, releases held replies and held requests, and closes the
   * connections of {@link Fault#NEVER_ANSWER} requests.
   */
  public synchronized void clear() {
    rules.values().forEach(List::clear);
    delay = DEFAULT_DELAY;
    heldReplies.release();
    heldRequests.release();
    unanswered.closeAll();
  }

  /** Holds the calling request thread for HANG_AFTER_COMMIT, at most {@code max}. */
  void holdReply(Duration max) {
    heldReplies.await(max);
  }

  /** Holds the calling request thread for HANG_BEFORE_COMMIT, at most {@code max}. */
  void holdRequest(Duration max) {
    heldRequests.await(max);
  }

  Unanswered unansweredRequests() {
    return unanswered;
  }

  void close() {
    heldReplies.close();
    heldRequests.close();
    unanswered.close();
  }

  /**
   * What the rules decide for the request now arriving at {@code endpoint}: the added latency of the LATENCY
   * rules that fire, and the first other rule that fires (or none). Consumes a {@code next} count of each rule
   * that fires.
   */
  synchronized Decision pick(Endpoint endpoint) {
    Duration latency = Duration.ZERO;
    boolean fired = false;
    for (Iterator<Rule> it = rules.get(endpoint).iterator(); it.hasNext(); ) {
      Rule r = it.next();
      if (!r.fires()) {
        continue;
      }
      fired = true;
      if (r.used()) {
        it.remove();
      }
      Duration setting = settingOf(r.rule);
      if (r.rule.fault() != Fault.LATENCY) {
        return new Decision(latency, r.rule.fault(), setting);
      }
      latency = latency.plus(setting);
    }
    return fired ? new Decision(latency, null, Duration.ZERO) : Decision.NONE;
  }

  private Duration settingOf(FaultRule rule) {
    if (rule.setting() != null) {
      return rule.setting();
    }
    switch (rule.fault().setting()) {
      case WAIT:
        return delay;
      case RETRY_AFTER:
        return DEFAULT_RETRY_AFTER;
      default:
        return Duration.ZERO;
    }
  }

  @Override
  public synchronized String toString() {
    return "Faults" + rules() + " delay=" + delay;
  }

  /** What the rules decided for one request. */
  static final class Decision {
    static final Decision NONE = new Decision(Duration.ZERO, null, Duration.ZERO);

    /** Added latency, before anything else. */
    final Duration latency;
    /** The fault deciding the request, or null: answered normally (after the latency). */
    final Fault fault;
    /** The deciding fault's wait, hold or Retry-After. */
    final Duration setting;

    Decision(Duration latency, Fault fault, Duration setting) {
      this.latency = latency;
      this.fault = fault;
      this.setting = setting;
    }

    /** Whether any rule fired (the request counts in {@link Counters#faultsInjected()}). */
    boolean injected() {
      return this != NONE;
    }
  }

  /** A rule in force: its description and, for a {@code next} rule, the requests it has left. */
  private static final class Rule {
    final FaultRule rule;
    int remaining; // > 0: next-N countdown; 0: no count

    Rule(FaultRule rule) {
      this.rule = rule;
      this.remaining = rule.times();
    }

    boolean fires() {
      return remaining > 0 || rule.rate() >= 1.0 || ThreadLocalRandom.current().nextDouble() < rule.rate();
    }

    /** Counts one firing down; true when the rule is used up. */
    boolean used() {
      return remaining > 0 && --remaining == 0;
    }

    FaultRule current() {
      return remaining > 0 ? rule.withTimes(remaining) : rule;
    }
  }
}
