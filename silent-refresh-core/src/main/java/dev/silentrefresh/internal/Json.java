package dev.silentrefresh.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** The one Jackson mapper core uses. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  /** The JSON value in {@code bytes}, or null when they are empty or not JSON. */
  public static JsonNode parseOrNull(byte[] bytes) {
    if (bytes == null || bytes.length == 0) return null;
    try {
      return MAPPER.readTree(bytes);
    } catch (IOException e) {
      return null;
    }
  }

  public static JsonNode parse(byte[] bytes) throws IOException {
    JsonNode node = MAPPER.readTree(bytes);
    if (node == null || node.isMissingNode()) throw new IOException("no JSON value");
    return node;
  }

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  public static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A JSON type's name for messages: "a number", "an object"… */
  public static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) return "missing";
    switch (node.getNodeType()) {
      case STRING: return "a string";
      case NUMBER: return "a number";
      case BOOLEAN: return "a boolean";
      case OBJECT: return "an object";
      case ARRAY: return "an array";
      case NULL: return "null";
      default: return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
