package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A fully read HTTP request, independent of Jetty, with lazily parsed body views. Used by one thread. */
final class HttpCall {
  final String method;
  final String path;
  private final String rawQuery;
  private final UnaryOperator<String> headers;
  final byte[] body;
  private Map<String, String> form;
  private Map<String, String> query;
  private JsonNode json;

  HttpCall(String method, String path, String rawQuery, UnaryOperator<String> headers, byte[] body) {
    this.method = method;
    this.path = path;
    this.rawQuery = rawQuery;
    this.headers = headers;
    this.body = body;
  }

  /** A request header's value, or null. */
  String header(String name) {
    return headers.apply(name);
  }

  /** The body as {@code application/x-www-form-urlencoded} fields (first value wins). */
  Map<String, String> form() {
    if (form == null) {
      form = decode(new String(body, StandardCharsets.UTF_8));
    }
    return form;
  }

  /** The query string's parameters (first value wins). */
  Map<String, String> query() {
    if (query == null) {
      query = rawQuery == null ? Map.of() : decode(rawQuery);
    }
    return query;
  }

  /** The body as JSON; {@link MalformedBodyException} when it is not. */
  JsonNode json() {
    if (json == null) {
      json = Json.parse(body);
    }
    return json;
  }

  private static Map<String, String> decode(String s) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (s.isEmpty()) {
      return fields;
    }
    try {
      for (String pair : s.split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        fields.putIfAbsent(name, value);
      }
    } catch (IllegalArgumentException e) {
      throw new MalformedBodyException("malformed form encoding");
    }
    return Collections.unmodifiableMap(fields);
  }
}
