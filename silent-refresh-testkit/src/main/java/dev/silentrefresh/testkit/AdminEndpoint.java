package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The test-control endpoint under {@value #PREFIX} of every {@link AuthServer}: its counters, its fault rules and
 * its reset, over HTTP, so that a front end under test (axios, a browser) is checked against the same ground truth
 * as Java tests. Admin requests are not counted and never faulted.
 *
 * <pre>
 * GET    /_admin/counters              every counter: {"loginCalls":1,"refreshCalls":3,...}
 * GET    /_admin/faults                {"rules":["refresh=server_error:0.1"],"heldRequests":0,"heldReplies":0,"unanswered":0}
 * POST   /_admin/faults                {"rules":["refresh=server_error:0.1","api=latency:200ms"]}: adds them
 * PUT    /_admin/faults                the same body: replaces every rule
 * DELETE /_admin/faults                clears them (and ends holds and unanswered requests)
 * POST   /_admin/release               ends the holds of HANG_BEFORE_COMMIT and HANG_AFTER_COMMIT
 * POST   /_admin/expire-access-tokens  every access token issued so far is answered as expired
 * POST   /_admin/reset                 counters to zero, faults cleared, failed logins forgotten
 * </pre>
 *
 * Rules are {@link FaultRule} text. A body that is not that JSON, or a rule that does not parse, is a 400
 * {@code {"error":"bad_request","message":...}} naming what is wrong, and changes nothing. Replies carry CORS headers
 * for the requesting origin when it is a loopback one ({@code localhost}, {@code 127.0.0.0/8}, {@code [::1]});
 * a request from any other origin is refused (403), so that a page elsewhere cannot reconfigure the server.
 * Runs on the server's request threads.
 */
final class AdminEndpoint {
  static final String PREFIX = "/_admin";

  private final AuthServer server;

  AdminEndpoint(AuthServer server) {
    this.server = server;
  }

  /** Whether {@code path} is the admin endpoint's. */
  static boolean owns(String path) {
    return path.equals(PREFIX) || path.startsWith(PREFIX + "/");
  }

  /** Answers one fully read admin request, with its CORS headers. */
  Reply answer(HttpCall call) {
    String origin = call.header("Origin");
    if (origin != null && !CorsPolicy.isLoopback(origin)) {
      return error(403, "forbidden", "the admin endpoint answers pages of loopback origins only, not " + origin);
    }
    return withCors(route(call), origin);
  }

  private Reply route(HttpCall call) {
    if ("OPTIONS".equals(call.method)) {
      return Reply.empty(204);
    }
    String what = call.path.substring(PREFIX.length());
    switch (what) {
      case "/counters":
        return only(call, "GET") ? counters() : notAllowed("GET");
      case "/faults":
        return faults(call);
      case "/release":
        if (!only(call, "POST")) return notAllowed("POST");
        server.faults().releaseHeldRequests();
        server.faults().releaseHeldReplies();
        return faultsView();
      case "/expire-access-tokens":
        if (!only(call, "POST")) return notAllowed("POST");
        server.expireAccessTokens();
        return Reply.empty(204);
      case "/reset":
        if (!only(call, "POST")) return notAllowed("POST");
        server.reset();
        return counters();
      default:
        return error(404, "not_found", "no admin endpoint " + call.path + "; see /_admin/counters, /_admin/faults,"
            + " /_admin/release, /_admin/expire-access-tokens, /_admin/reset");
    }
  }

  private Reply faults(HttpCall call) {
    switch (call.method) {
      case "GET":
        return faultsView();
      case "DELETE":
        server.faults().clear();
        return faultsView();
      case "POST":
      case "PUT":
        List<FaultRule> rules;
        try {
          rules = rules(call.body);
        } catch (IllegalArgumentException e) {
          return error(400, "bad_request", e.getMessage());
        }
        if (call.method.equals("PUT")) {
          server.faults().replaceAll(rules);
        } else {
          rules.forEach(server.faults()::add);
        }
        return faultsView();
      default:
        return notAllowed("GET, POST, PUT, DELETE");
    }
  }

  /** The rules of a body {@code {"rules":["...", ...]}}, all parsed before any is used. */
  private static List<FaultRule> rules(byte[] body) {
    String expected = "expected {\"rules\":[\"refresh=server_error:0.1\", ...]}";
    JsonNode json;
    try {
      json = Json.parse(body);
    } catch (MalformedBodyException e) {
      throw new IllegalArgumentException("the body is not JSON; " + expected);
    }
    JsonNode list = json.isObject() ? json.get("rules") : null;
    if (list == null || !list.isArray() || json.size() != 1) {
      throw new IllegalArgumentException(expected + " (an object with one field, rules, an array of rule strings)");
    }
    List<FaultRule> rules = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode rule = list.get(i);
      if (!rule.isTextual()) {
        throw new IllegalArgumentException("rules[" + i + "] is not a string but " + rule.getNodeType()
            .name().toLowerCase(Locale.ROOT));
      }
      try {
        rules.add(FaultRule.parse(rule.asText()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("rules[" + i + "] " + e.getMessage());
      }
    }
    return rules;
  }

  private Reply counters() {
    ObjectNode body = Json.object();
    server.counters().snapshot().forEach(body::put);
    return Reply.json(200, Json.write(body));
  }

  private Reply faultsView() {
    Faults faults = server.faults();
    ObjectNode body = Json.object();
    ArrayNode rules = body.putArray("rules");
    faults.rules().forEach(r -> rules.add(r.toString()));
    body.put("heldRequests", faults.heldRequests());
    body.put("heldReplies", faults.heldReplies());
    body.put("unanswered", faults.unanswered());
    return Reply.json(200, Json.write(body));
  }

  private static boolean only(HttpCall call, String method) {
    return method.equals(call.method);
  }

  private static Reply notAllowed(String allowed) {
    return error(405, "method_not_allowed", "allowed: " + allowed).withHeader("Allow", allowed + ", OPTIONS");
  }

  private static Reply error(int status, String error, String message) {
    ObjectNode body = Json.object().put("error", error).put("message", message);
    return Reply.json(status, Json.write(body));
  }

  private static Reply withCors(Reply reply, String origin) {
    return reply.withHeader("Access-Control-Allow-Origin", origin == null ? "*" : origin)
        .withHeader("Vary", "Origin")
        .withHeader("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS")
        .withHeader("Access-Control-Allow-Headers", "Content-Type");
  }
}
