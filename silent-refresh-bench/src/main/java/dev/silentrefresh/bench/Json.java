package dev.silentrefresh.bench;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The results as plain JSON maps: what latest.json holds, and what the charts and the report read. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** {@code value} (records, maps, lists) as JSON maps and lists. */
  static Map<String, Object> tree(Object value) {
    return MAPPER.convertValue(value, new TypeReference<Map<String, Object>>() {});
  }

  static Map<String, Object> read(Path file) throws IOException {
    return MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
  }

  static void write(Path file, Object value) throws IOException {
    MAPPER.writeValue(file.toFile(), value);
  }

  /** The list at {@code key} as rows; empty when absent. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> rows(Map<String, Object> results, String key) {
    Object v = results.get(key);
    return v instanceof List ? (List<Map<String, Object>>) v : List.of();
  }
}
