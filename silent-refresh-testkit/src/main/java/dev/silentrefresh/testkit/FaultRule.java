package dev.silentrefresh.testkit;

import dev.silentrefresh.testkit.Faults.Fault;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One fault injection rule: which endpoint, which {@link Fault}, how often (the next N requests, every request, or
 * a random fraction of them) and, for a fault that {@linkplain Fault#takesSetting() takes one}, a duration. Immutable.
 *
 * <p>Its text form, read by {@link #parse(String)}, written by {@link #toString()}, and the same on the command
 * line ({@code serve --fault}) and over HTTP ({@code POST /_admin/faults}):
 *
 * <pre>
 * ENDPOINT=FAULT[:PART]...
 *   ENDPOINT  login | refresh | api
 *   FAULT     a {@link Fault} name in lower case, '-' or '_' between words: server_error, latency, too_many_requests, ...
 *   PART      how often, at most one of:  always (the default) | a rate 0..1 such as 0.1 | a percentage such as 10%
 *                                         | xN (the next N requests, N &ge; 1)
 *             a duration, for a fault that takes one: N followed by ms, s, m or h (200ms, 30s)
 * </pre>
 *
 * For example {@code refresh=server_error:0.1}, {@code api=latency:200ms}, {@code login=too_many_requests:30s:x3},
 * {@code refresh=too_many_requests_date:2m}, {@code api=never_answer:5%}.
 */
public final class FaultRule {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern TIMES = Pattern.compile("x(\\d{1,9})");
  private static final Pattern RATE = Pattern.compile("\\d+(\\.\\d+)?");
  private static final Pattern PERCENT = Pattern.compile("(\\d+(\\.\\d+)?)%");

  private final Endpoint endpoint;
  private final Fault fault;
  private final int times;
  private final double rate;
  private final @Nullable Duration setting;

  private FaultRule(Endpoint endpoint, Fault fault, int times, double rate, @Nullable Duration setting) {
    this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
    this.fault = Objects.requireNonNull(fault, "fault");
    if (!fault.appliesTo(endpoint)) {
      throw new IllegalArgumentException(fault + " applies to " + fault.only() + " only, not " + endpoint);
    }
    if (times < 0) {
      throw new IllegalArgumentException("times must be >= 1, was " + times);
    }
    if (!(rate >= 0.0 && rate <= 1.0)) {
      throw new IllegalArgumentException("rate must be within 0..1, was " + rate);
    }
    if (setting != null) {
      if (!fault.takesSetting()) {
        throw new IllegalArgumentException(fault + " takes no duration");
      }
      if (setting.isNegative()) {
        throw new IllegalArgumentException("the duration must not be negative, was " + setting);
      }
    }
    this.times = times;
    this.rate = rate;
    this.setting = setting;
  }

  /** Every request to {@code endpoint} gets {@code fault}. */
  public static FaultRule always(Endpoint endpoint, Fault fault) {
    return new FaultRule(endpoint, fault, 0, 1.0, null);
  }

  /** The next {@code times} (at least 1) requests to {@code endpoint} get {@code fault}. */
  public static FaultRule next(Endpoint endpoint, Fault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be >= 1, was " + times);
    }
    return new FaultRule(endpoint, fault, times, 1.0, null);
  }

  /** A random fraction {@code rate} (0..1) of the requests to {@code endpoint} get {@code fault}. */
  public static FaultRule rate(Endpoint endpoint, Fault fault, double rate) {
    return new FaultRule(endpoint, fault, 0, rate, null);
  }

  /**
   * This rule with a duration, to the millisecond: how long {@link Fault#LATENCY} and {@link Fault#DELAY} wait, the
   * longest a HANG_* fault holds, or what {@code Retry-After} says (whole seconds, rounded up).
   *
   * @throws IllegalArgumentException when the fault takes no duration, or it is negative
   */
  public FaultRule withSetting(Duration setting) {
    Objects.requireNonNull(setting, "setting");
    return new FaultRule(endpoint, fault, times, rate, setting.truncatedTo(ChronoUnit.MILLIS));
  }

  FaultRule withTimes(int remaining) {
    return new FaultRule(endpoint, fault, remaining, rate, setting);
  }

  /**
   * Reads a rule's text form (see the class comment).
   *
   * @throws IllegalArgumentException with a one-line message naming the part that is wrong
   */
  public static FaultRule parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] parts = text.trim().split(":", -1);
    int eq = parts[0].indexOf('=');
    if (eq < 0) {
      throw bad(text, "expected ENDPOINT=FAULT[:PART]..., such as refresh=server_error:0.1");
    }
    Endpoint endpoint = endpoint(text, parts[0].substring(0, eq).trim());
    Fault fault = fault(text, parts[0].substring(eq + 1).trim());
    Integer times = null;
    Double rate = null;
    String often = null; // the part that said how often
    Duration setting = null;
    for (int i = 1; i < parts.length; i++) {
      String part = parts[i].trim().toLowerCase(Locale.ROOT);
      Matcher m;
      if ((m = DURATION.matcher(part)).matches()) {
        if (setting != null) {
          throw bad(text, "'" + part + "': the duration is given twice");
        }
        if (!fault.takesSetting()) {
          throw bad(text, "'" + part + "': " + name(fault) + " takes no duration");
        }
        setting = duration(Long.parseLong(m.group(1)), m.group(2));
        continue;
      }
      if (often != null && (part.equals("always") || TIMES.matcher(part).matches()
          || PERCENT.matcher(part).matches() || RATE.matcher(part).matches())) {
        throw bad(text, "'" + part + "': how often is already given by '" + often + "'");
      }
      often = part;
      if (part.equals("always")) {
        continue;
      }
      if ((m = TIMES.matcher(part)).matches()) {
        times = Integer.parseInt(m.group(1));
        if (times < 1) {
          throw bad(text, "'" + part + "': xN needs N >= 1");
        }
      } else if ((m = PERCENT.matcher(part)).matches()) {
        rate = Double.parseDouble(m.group(1)) / 100.0;
        if (rate > 1.0) {
          throw bad(text, "'" + part + "': a percentage must be within 0%..100%");
        }
      } else if (RATE.matcher(part).matches()) {
        rate = Double.parseDouble(part);
        if (rate > 1.0) {
          throw bad(text, "'" + part + "': a rate must be within 0..1 (or a percentage: 10%)");
        }
      } else {
        throw bad(text, "'" + part + "' is neither always, a rate (0.1), a percentage (10%), a count (x3)"
            + " nor a duration (200ms, 30s, 2m, 1h)");
      }
    }
    try {
      FaultRule rule = times != null ? next(endpoint, fault, times)
          : rate != null ? rate(endpoint, fault, rate) : always(endpoint, fault);
      return setting == null ? rule : rule.withSetting(setting);
    } catch (IllegalArgumentException e) {
      throw bad(text, e.getMessage());
    }
  }

  /** The endpoint the rule is set on. */
  public Endpoint endpoint() {
    return endpoint;
  }

  /** What goes wrong. */
  public Fault fault() {
    return fault;
  }

  /** For a rule on the next N requests, N (the requests it has left, in {@link Faults#rules()}); else 0. */
  public int times() {
    return times;
  }

  /** The fraction of requests it fires on (1 for {@code always} and {@code next} rules). */
  public double rate() {
    return rate;
  }

  /** The rule's duration, or null: the fault's default (see {@link Fault}). */
  public @Nullable Duration setting() {
    return setting;
  }

  /** Whether it fires on every request until cleared. */
  public boolean isAlways() {
    return times == 0 && rate >= 1.0;
  }

  /** The rule's text form, which {@link #parse(String)} reads back to an equal rule. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(endpoint.name().toLowerCase(Locale.ROOT)).append('=').append(name(fault));
    if (setting != null) {
      s.append(':').append(setting.toNanos() % 1_000_000_000L == 0 ? setting.getSeconds() + "s" : setting.toMillis() + "ms");
    }
    if (times > 0) {
      s.append(":x").append(times);
    } else if (rate < 1.0) {
      s.append(':').append(BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString());
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof FaultRule)) {
      return false;
    }
    FaultRule r = (FaultRule) o;
    return endpoint == r.endpoint && fault == r.fault && times == r.times && Double.compare(rate, r.rate) == 0
        && Objects.equals(setting, r.setting);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, fault, times, rate, setting);
  }

  /** A fault's name in the text form: {@code SERVER_ERROR} is {@code server_error}. */
  static String name(Fault fault) {
    return fault.name().toLowerCase(Locale.ROOT);
  }

  private static Endpoint endpoint(String text, String name) {
    for (Endpoint e : Endpoint.values()) {
      if (e.name().equalsIgnoreCase(name)) {
        return e;
      }
    }
    throw bad(text, "unknown endpoint '" + name + "'; expected one of: " + Arrays.stream(Endpoint.values())
        .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
  }

  private static Fault fault(String text, String name) {
    String normal = name.replace('-', '_');
    for (Fault f : Fault.values()) {
      if (f.name().equalsIgnoreCase(normal)) {
        return f;
      }
    }
    throw bad(text, "unknown fault '" + name + "'; expected one of: " + Arrays.stream(Fault.values())
        .map(FaultRule::name).collect(Collectors.joining(", ")));
  }

  private static Duration duration(long amount, String unit) {
    switch (unit) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      case "m":
        return Duration.ofMinutes(amount);
      default:
        return Duration.ofHours(amount);
    }
  }

  private static IllegalArgumentException bad(String text, String problem) {
    return new IllegalArgumentException("'" + text.trim() + "': " + problem);
  }
}
