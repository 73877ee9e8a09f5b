package dev.silentrefresh;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One way a backend says something in a reply: an HTTP status, a value in the JSON body, a
 * {@code WWW-Authenticate} error, or several of these at once. Immutable; combine with the
 * {@code with…} methods. A reply matches when every part given matches.
 *
 * <pre>{@code
 * Signal.status(401)                                  // plain 401
 * Signal.body("/code", 1002)                          // {"code":1002} with any status
 * Signal.status(400).withBody("/code", 401)           // 400 with {"code":401}
 * Signal.status(400, 401, 403).withBody("/error", "invalid_grant")
 * }</pre>
 */
public final class Signal {
  private final Set<Integer> statuses;
  /** {@link #statuses} unboxed: matching a reply's status allocates nothing. */
  private final int[] statusArray;
  private final JsonPointer pointer;
  private final Set<String> values;
  private final String bearerError;

  private Signal(Set<Integer> statuses, JsonPointer pointer, Set<String> values, String bearerError) {
    this.statuses = statuses;
    this.statusArray = statuses.stream().mapToInt(Integer::intValue).toArray();
    this.pointer = pointer;
    this.values = values;
    this.bearerError = bearerError;
  }

  /** Matches replies with one of these HTTP statuses. */
  public static Signal status(int... statuses) {
    if (statuses == null || statuses.length == 0) throw new IllegalArgumentException("at least one status is required");
    Set<Integer> set = new TreeSet<>();
    for (int s : statuses) {
      if (s < 100 || s > 599) throw new IllegalArgumentException("not an HTTP status: " + s);
      set.add(s);
    }
    return new Signal(Collections.unmodifiableSet(set), null, Collections.emptySet(), null);
  }

  /**
   * Matches replies, whatever their status, whose JSON body holds one of {@code values} at
   * {@code jsonPointer} (RFC 6901, e.g. {@code "/code"}). Numbers and strings compare by their text,
   * so {@code 1002} matches both {@code {"code":1002}} and {@code {"code":"1002"}}.
   */
  public static Signal body(String jsonPointer, Object... values) {
    return new Signal(Collections.emptySet(), null, Collections.emptySet(), null).withBody(jsonPointer, values);
  }

  /** This signal, further requiring one of {@code values} at {@code jsonPointer} in the JSON body. */
  public Signal withBody(String jsonPointer, Object... values) {
    JsonPointer compiled = JsonPointer.compile(requirePointer(jsonPointer));
    if (values == null || values.length == 0) throw new IllegalArgumentException("at least one value is required for " + jsonPointer);
    Set<String> set = new LinkedHashSet<>();
    for (Object v : values) {
      if (v == null) throw new IllegalArgumentException("null value for " + jsonPointer);
      set.add(String.valueOf(v));
    }
    return new Signal(statuses, compiled, Collections.unmodifiableSet(set), bearerError);
  }

  /**
   * This signal, further requiring that a {@code WWW-Authenticate: Bearer} challenge, when it carries
   * an {@code error} parameter (RFC 6750 §3), carries this one. A challenge without an error parameter,
   * or no challenge at all, still matches.
   */
  public Signal withBearerError(String error) {
    if (error == null || error.isEmpty()) throw new IllegalArgumentException("error is empty");
    return new Signal(statuses, pointer, values, error);
  }

  static String requirePointer(String jsonPointer) {
    if (jsonPointer == null || !jsonPointer.startsWith("/")) {
      throw new IllegalArgumentException("not a JSON pointer (RFC 6901), it must start with '/': " + jsonPointer);
    }
    return jsonPointer;
  }

  boolean appliesToStatus(int status) {
    if (statusArray.length == 0) return true;
    for (int s : statusArray) if (s == status) return true;
    return false;
  }

  boolean needsBody() {
    return pointer != null;
  }

  /**
   * @param header looks up a reply header by name (case-insensitive), null when absent
   * @param body the parsed JSON body, or null when there is none or it is not JSON
   */
  boolean matches(int status, Function<String, String> header, JsonNode body) {
    if (!appliesToStatus(status)) return false;
    if (bearerError != null) {
      String error = BearerChallenge.errorOf(header.apply("WWW-Authenticate"));
      if (error != null && !error.equals(bearerError)) return false;
    }
    if (pointer != null) {
      if (body == null) return false;
      JsonNode node = body.at(pointer);
      if (!node.isValueNode() || node.isNull()) return false;
      return values.contains(node.asText());
    }
    return true;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Signal{");
    sb.append(statuses.isEmpty() ? "any status" : "status " + statuses);
    if (pointer != null) sb.append(", ").append(pointer).append(" in ").append(values);
    if (bearerError != null) sb.append(", bearer error ").append(bearerError);
    return sb.append('}').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Signal)) return false;
    Signal s = (Signal) o;
    return statuses.equals(s.statuses)
        && java.util.Objects.equals(pointer, s.pointer)
        && values.equals(s.values)
        && java.util.Objects.equals(bearerError, s.bearerError);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new Object[] {statuses, pointer, values, bearerError});
  }
}
