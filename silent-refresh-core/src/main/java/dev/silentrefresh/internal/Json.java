package dev.silentrefresh.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The one Jackson mapper core uses. Its read limits are its own, not the JVM-wide defaults an
 * application may loosen: replies are untrusted. Token replies are shallow, so nesting stops at 500;
 * numbers, names and strings keep Jackson's own limits (1,000 digits, 50,000 and 20,000,000 chars).
 */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(500)
          .maxNumberLength(1000)
          .maxNameLength(50_000)
          .maxStringLength(20_000_000)
          .build())
      .build());

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
   * False while more bytes could still complete or change the value: a prefix that ends inside a
   * keyword, a number, a string, a UTF-8 sequence or after a comma, or a body in UTF-16 or UTF-32 (which
   * the full parse detects, but this incremental one cannot read).
   */
  public static boolean firstValueCompleteOrNotJson(byte[] bytes, int length) {
    // Jackson's non-blocking parser says NOT_AVAILABLE where the blocking one would report a truncated
    // token as a syntax error ("{\"a\":tr", "{\"a\":1,"), which would pass for "not JSON".
    try (JsonParser p = MAPPER.getFactory().createNonBlockingByteArrayParser()) {
      ((ByteArrayFeeder) p.getNonBlockingInputFeeder()).feedInput(bytes, 0, length);
      int depth = 0;
      for (;;) {
        JsonToken t = p.nextToken();
        if (t == JsonToken.NOT_AVAILABLE || t == null) return false; // ran out inside (or before) the first value
        if (t.isStructStart()) depth++;
        else if (t.isStructEnd()) depth--;
        if (depth == 0) return true;
      }
    } catch (IOException e) {
      return !mayBeWideUnicode(bytes, length);
    }
  }

  /** A UTF-16 or UTF-32 body (a BOM, or a NUL among the first bytes, RFC 4627 §3): only the full parse reads it. */
  private static boolean mayBeWideUnicode(byte[] bytes, int length) {
    if (length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF) || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
      return true;
    }
    for (int i = 0; i < Math.min(4, length); i++) if (bytes[i] == 0) return true;
    return false;
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
