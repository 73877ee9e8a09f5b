package dev.silentrefresh.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** JSON helpers around one shared, strict {@link ObjectMapper}. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Parses a request body; empty or broken JSON is a {@link MalformedBodyException}. */
  static JsonNode parse(byte[] body) {
    try {
      JsonNode node = MAPPER.readTree(body);
      if (node == null || node.isMissingNode()) {
        throw new MalformedBodyException("empty JSON body");
      }
      return node;
    } catch (IOException e) {
      throw new MalformedBodyException("malformed JSON body");
    }
  }

  /** The text value of {@code field} when {@code node} is an object holding a string there, else null. */
  static String text(JsonNode node, String field) {
    JsonNode v = node != null && node.isObject() ? node.get(field) : null;
    return v != null && v.isTextual() ? v.asText() : null;
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** {@code s} as a quoted, escaped JSON string literal. */
  static String quote(String s) {
    try {
      return MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
