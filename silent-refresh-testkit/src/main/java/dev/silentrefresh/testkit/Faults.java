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
 * the first that fires decides the request's fault. Faults other than {@link Fault#DELAY},
 * {@link Fault#DROP_AFTER_COMMIT} and {@link Fault#REJECT_TOKENS} answer without processing the request (no
 * login, no rotation). Thread-safe; {@link AuthServer#reset()} calls {@link #clear()}.
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
    /** 200 {@code application/json} with the body {@code {"access_tok}. */
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
    /** API only: treat every access token, even a fresh one, as expired (the profile's expired reply). */
    REJECT_TOKENS
  }

  static final Duration DEFAULT_DELAY = Duration.ofSeconds(30);

  private final Map<Endpoint, List<Rule>> rules = new EnumMap<>(Endpoint.class);
  private Duration delay = DEFAULT_DELAY;

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

  /** How long {@link Fault#DELAY} waits before answering (default 30 s). */
  public synchronized Faults delay(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative");
    }
    this.delay = delay;
    return this;
  }

  /** Removes every rule and restores the default delay. */
  public synchronized void clear() {
    rules.values().forEach(List::clear);
    delay = DEFAULT_DELAY;
  }

  synchronized Duration currentDelay() {
    return delay;
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
    if (fault == Fault.DROP_AFTER_COMMIT && endpoint != Endpoint.REFRESH) {
      throw new IllegalArgumentException("DROP_AFTER_COMMIT applies to REFRESH only, not " + endpoint);
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
