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

  /**
   * True when {@code bytes[0..length)} hold one complete JSON value (more may follow, as in a stream of
   * values), or are not JSON at all: either way, reading further cannot change what a signal finds.
   */
  public static boolean firstValueCompleteOrNotJson(byte[] bytes, int length) {
    try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(bytes, 0, length)) {
      int depth = 0;
      for (;;) {
        com.fasterxml.jackson.core.JsonToken t = p.nextToken();
        if (t == null) return false; // ran out of bytes inside (or before) the first value
        if (t.isStructStart()) depth++;
        else if (t.isStructEnd()) depth--;
        if (depth == 0) return true;
      }
    } catch (IOException e) {
      // end of input inside a token reads as an error too: tell the two apart by where it stopped
      return !(e instanceof com.fasterxml.jackson.core.io.JsonEOFException);
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
