package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The server's admin endpoint, for tests driven from outside the JVM (a browser front end, axios, curl), the same
 * ground truth as {@link AuthServer#counters()} and {@link AuthServer#faults()} in Java. CORS applies as to every
 * other reply. Never answers with a token.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code GET /_admin/counters}</td><td>every counter: {@link Counters#snapshot()}</td></tr>
 *   <tr><td>{@code GET /_admin/faults}</td><td>the fault rules, added latencies and hold time</td></tr>
 *   <tr><td>{@code POST /_admin/faults}</td><td>replaces them: <code>{"rules":[{"endpoint":"refresh",
 *       "fault":"server_error","rate":0.1}, {"endpoint":"api","fault":"no_answer","times":2},
 *       {"endpoint":"login","fault":"too_many_requests","always":true}], "latencyMillis":{"api":200},
 *       "delayMillis":1500}</code>; answers what is now set; a bad body is a 400 naming what is wrong and sets
 *       nothing</td></tr>
 *   <tr><td>{@code DELETE /_admin/faults}</td><td>clears them</td></tr>
 *   <tr><td>{@code POST /_admin/expire}</td><td>{@link AuthServer#expireAccessTokens()}</td></tr>
 *   <tr><td>{@code POST /_admin/reset}</td><td>{@link AuthServer#reset()}: counters to zero, faults cleared</td></tr>
 * </table>
 */
final class AdminEndpoint {
  static final String PREFIX = "/_admin/";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Counters counters;
  private final Faults faults;
  private final Runnable expire;
  private final Runnable reset;

  AdminEndpoint(Counters counters, Faults faults, Runnable expire, Runnable reset) {
    this.counters = counters;
    this.faults = faults;
    this.expire = expire;
    this.reset = reset;
  }

  static boolean handles(HttpCall call) {
    return call.path.startsWith(PREFIX);
  }

  Reply answer(HttpCall call) {
    String route = call.method + " " + call.path;
    switch (route) {
      case "GET /_admin/counters":
        return json(200, counters.snapshot());
      case "GET /_admin/faults":
        return json(200, faults.describe());
      case "POST /_admin/faults":
        return setFaults(call.body);
      case "DELETE /_admin/faults":
        faults.clear();
        return Reply.empty(204);
      case "POST /_admin/expire":
        expire.run();
        return Reply.empty(204);
      case "POST /_admin/reset":
        reset.run();
        return Reply.empty(204);
      default:
        boolean known = call.path.equals("/_admin/counters") || call.path.equals("/_admin/faults")
            || call.path.equals("/_admin/expire") || call.path.equals("/_admin/reset");
        return known ? error(405, "method " + call.method + " not allowed on " + call.path)
            : error(404, "no admin route " + call.path + "; see GET /_admin/counters, GET|POST|DELETE /_admin/faults,"
                + " POST /_admin/expire, POST /_admin/reset");
    }
  }

  /** Checks the whole body first, then replaces the faults: a bad body sets nothing. */
  private Reply setFaults(byte[] body) {
    JsonNode root;
    try {
      root = MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      return error(400, "the body is not JSON");
    }
    if (root == null || !root.isObject()) return error(400, "the body must be a JSON object");
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("rules") && !f.equals("latencyMillis") && !f.equals("delayMillis")) {
        return error(400, "unknown field \"" + f + "\"; expected rules, latencyMillis, delayMillis");
      }
    }
    Faults next = new Faults();
    try {
      JsonNode rules = root.path("rules");
      if (!rules.isMissingNode()) {
        if (!rules.isArray()) throw new IllegalArgumentException("rules must be an array");
        int i = 0;
        for (JsonNode r : rules) addRule(next, r, "rules[" + i++ + "]");
      }
      JsonNode latency = root.path("latencyMillis");
      if (!latency.isMissingNode()) {
        if (!latency.isObject()) throw new IllegalArgumentException("latencyMillis must be an object of endpoint: millis");
        for (Iterator<Map.Entry<String, JsonNode>> it = latency.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          next.latency(endpoint(e.getKey(), "latencyMillis"), Duration.ofMillis(millis(e.getValue(), "latencyMillis." + e.getKey())));
        }
      }
      JsonNode delay = root.path("delayMillis");
      if (!delay.isMissingNode()) next.delay(Duration.ofMillis(millis(delay, "delayMillis")));
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
    faults.replaceWith(next);
    return json(200, faults.describe());
  }

  private static void addRule(Faults into, JsonNode r, String where) {
    if (!r.isObject()) throw new IllegalArgumentException(where + " must be an object");
    Endpoint endpoint = endpoint(r.path("endpoint").asText(""), where + ".endpoint");
    String name = r.path("fault").asText("");
    Faults.Fault fault;
    try {
      fault = Faults.Fault.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ".fault: unknown fault '" + name + "'; expected one of "
          + java.util.Arrays.toString(Faults.Fault.values()).toLowerCase(Locale.ROOT));
    }
    boolean hasTimes = r.has("times");
    boolean hasRate = r.has("rate");
    boolean always = r.path("always").asBoolean(false);
    if ((hasTimes ? 1 : 0) + (hasRate ? 1 : 0) + (always ? 1 : 0) != 1) {
      throw new IllegalArgumentException(where + ": give exactly one of times, rate, always:true");
    }
    if (hasTimes) {
      if (!r.get("times").canConvertToInt() || r.get("times").asInt() < 1) {
        throw new IllegalArgumentException(where + ".times must be a whole number of at least 1");
      }
      into.failNext(endpoint, fault, r.get("times").asInt());
    } else if (hasRate) {
      double rate = r.get("rate").asDouble(-1);
      if (!r.get("rate").isNumber() || rate < 0 || rate > 1) {
        throw new IllegalArgumentException(where + ".rate must be a number from 0 to 1");
      }
      into.failRate(endpoint, fault, rate);
    } else {
      into.failAlways(endpoint, fault);
    }
  }

  private static Endpoint endpoint(String name, String where) {
    try {
      return Endpoint.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": unknown endpoint '" + name + "'; expected login, refresh or api");
    }
  }

  private static long millis(JsonNode n, String where) {
    if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0 || n.asLong() > 3_600_000) {
      throw new IllegalArgumentException(where + " must be whole milliseconds from 0 to 3600000");
    }
    return n.asLong();
  }

  private static Reply json(int status, Object value) {
    try {
      return Reply.json(status, MAPPER.writeValueAsString(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static Reply error(int status, String message) {
    return Reply.json(status, "{\"error\":" + Json.quote(message) + "}");
  }
}
