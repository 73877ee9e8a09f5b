package dev.silentrefresh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.internal.Json;
import dev.silentrefresh.spi.RefreshReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A refresh reply built to break {@link RefreshCodec}: laid out like its dialect's replies (the token,
 * lifetime and error fields where the dialect looks for them), each field valid, of a wrong type, huge
 * or missing, with duplicate keys and extra fields, then sometimes mutated, nested deep, padded past the
 * size limit or replaced by random bytes. Every token in it — the previous ones it may echo anywhere,
 * and every string planted where the dialect looks for tokens — is a {@link #secrets secret}.
 */
final class FuzzedRefreshReply {
  final int status;
  final Map<String, List<String>> headers;
  final byte[] body;
  final List<String> secrets;

  private FuzzedRefreshReply(int status, Map<String, List<String>> headers, byte[] body, List<String> secrets) {
    this.status = status;
    this.headers = headers;
    this.body = body;
    this.secrets = secrets;
  }

  RefreshReply reply() {
    return RefreshReply.of(status, headers, body);
  }

  /**
   * @param bad true for a reply that can never be a success nor a dead signal of a preset: no valid
   *     access token where the dialect looks for it, none of the presets' dead values
   * @param maxBytes the size limit of the reader; a few bodies go past it
   */
  static FuzzedRefreshReply generate(Fuzz.Try t, Dialect dialect, Tokens previous, boolean bad, int maxBytes) {
    SplittableRandom r = t.random;
    List<String> secrets = new ArrayList<>();
    secrets.add(previous.accessToken());
    secrets.add(previous.refreshToken());
    Map<String, Object> root = new LinkedHashMap<>();
    put(root, dialect.accessTokenPointer(), bad ? badToken(r) : tokenValue(r, secrets));
    if (dialect.refreshTokenPointer() != null && r.nextInt(4) != 0) {
      put(root, dialect.refreshTokenPointer(), tokenValue(r, secrets));
    }
    for (String lifetime : new String[] {dialect.expiresInPointer(), dialect.refreshExpiresInPointer()}) {
      if (lifetime != null && r.nextBoolean()) put(root, lifetime, seconds(r));
    }
    if (r.nextInt(3) == 0) put(root, "/error", errorValue(r, secrets, bad));
    if (r.nextInt(4) == 0) put(root, r.nextBoolean() ? "/code" : "/data/code", codeValue(r, bad));
    if (r.nextInt(4) == 0) put(root, "/error_description", HostileInput.quote(HostileInput.pick(r, secrets)));
    for (int i = r.nextInt(3); i > 0; i--) put(root, "/k" + r.nextInt(3), HostileInput.json(r, 3, secrets));
    String json = write(r, root);
    int shape = r.nextInt(40);
    byte[] body;
    if (shape < 3) body = HostileInput.bytes(r, 4096);
    else if (shape < 5) body = HostileInput.nested(r, json).getBytes(StandardCharsets.UTF_8);
    else if (shape < 6) body = padded(r, json, maxBytes);
    else if (shape < 7) body = ("[" + json + "]").getBytes(StandardCharsets.UTF_8);
    else if (shape < 16) body = HostileInput.mutate(r, json.getBytes(StandardCharsets.UTF_8));
    else body = json.getBytes(StandardCharsets.UTF_8);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    String type = HostileInput.contentType(r, HostileInput.pick(r, secrets));
    if (type != null) headers.put(r.nextBoolean() ? "Content-Type" : "content-type", Collections.singletonList(type));
    String date = HostileInput.httpDate(r, HostileInput.NOW.getEpochSecond());
    if (date != null) headers.put("Date", Collections.singletonList(date));
    if (r.nextInt(4) == 0) {
      headers.put("WWW-Authenticate", Collections.singletonList("Bearer error=\"" + HostileInput.pick(r, secrets) + "\""));
    }
    int status = bad ? badStatus(r) : HostileInput.status(r);
    t.note("status", status);
    t.note("headers", headers);
    t.note("body", body);
    return new FuzzedRefreshReply(status, headers, body, secrets);
  }

  /** A token string (a new secret), or any other JSON value in its place. */
  private static String tokenValue(SplittableRandom r, List<String> secrets) {
    if (r.nextInt(3) == 0) return HostileInput.scalar(r, secrets);
    String jwt = r.nextInt(8) == 0 ? HostileInput.jwt(r, HostileInput.NOW.getEpochSecond()) : "";
    // a token a session could hold: visible ASCII, and long enough never to show up in a text by chance
    String s = jwt.length() >= 20 && jwt.chars().allMatch(c -> c > 0x20 && c < 0x7f) ? jwt : HostileInput.secret(r);
    secrets.add(s);
    return HostileInput.quote(s);
  }

  /** Anything but a string a session could send as a token. */
  private static String badToken(SplittableRandom r) {
    String[] notTokens = {"null", "\"\"", "\" \"", "\"a b\"", "\"é\"", "\"\\n\"", "\"\\u0000\"", "12345", "-0",
        "1e999999", "true", "{}", "[]", "[\"x\"]", "{\"token\":\"x\"}"};
    return r.nextInt(5) == 0 ? HostileInput.hugeNumber(r) : notTokens[r.nextInt(notTokens.length)];
  }

  private static String seconds(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0: return Integer.toString(1 + r.nextInt(100_000));
      case 1: return "\"" + r.nextInt(100_000) + "\"";
      default: return HostileInput.scalar(r, new ArrayList<>());
    }
  }

  private static String errorValue(SplittableRandom r, List<String> secrets, boolean bad) {
    switch (r.nextInt(4)) {
      case 0: return bad ? "\"invalid_request\"" : "\"invalid_grant\"";
      case 1: return HostileInput.quote(HostileInput.pick(r, secrets)); // a server echoing a token
      case 2: return HostileInput.quote(HostileInput.text(r, 50));
      default: return HostileInput.scalar(r, new ArrayList<>());
    }
  }

  private static String codeValue(SplittableRandom r, boolean bad) {
    String[] codes = {"0", "1002", "50014", "50008", "401", "\"1002\"", "-0", "1e999999"};
    if (!bad && r.nextBoolean()) return r.nextBoolean() ? "10007" : "402";
    return codes[r.nextInt(codes.length)];
  }

  private static int badStatus(SplittableRandom r) {
    int s = HostileInput.status(r);
    return s == 400 || s == 401 || s == 403 ? 500 : s;
  }

  /**
   * True when this reply might legitimately change the session (a coincidence of mutations in a bad
   * one): a string where the dialect looks for the access token, or one of its dead signals.
   */
  boolean couldChangeTheSession(Dialect dialect) {
    JsonNode n = Json.parseOrNull(body);
    if (n != null && n.at(dialect.accessTokenPointer()).isTextual()) return true;
    RefreshReply reply = reply();
    for (Signal dead : dialect.refreshTokenDead()) {
      if (dead.matches(status, reply::header, n)) return true;
    }
    return false;
  }

  /** Puts raw JSON {@code value} at {@code pointer}, making the objects on the way. */
  @SuppressWarnings("unchecked")
  private static void put(Map<String, Object> root, String pointer, String value) {
    String[] parts = pointer.substring(1).split("/", -1);
    Map<String, Object> at = root;
    for (int i = 0; i < parts.length - 1; i++) {
      Object next = at.get(unescape(parts[i]));
      if (!(next instanceof Map)) {
        next = new LinkedHashMap<String, Object>();
        at.put(unescape(parts[i]), next);
      }
      at = (Map<String, Object>) next;
    }
    at.put(unescape(parts[parts.length - 1]), value);
  }

  private static String unescape(String segment) {
    return segment.replace("~1", "/").replace("~0", "~");
  }

  /** The tree as JSON text with random whitespace, and now and then a duplicate key before or after the real one. */
  @SuppressWarnings("unchecked")
  private static String write(SplittableRandom r, Map<String, Object> object) {
    StringBuilder s = new StringBuilder("{");
    for (Map.Entry<String, Object> e : object.entrySet()) {
      String value = e.getValue() instanceof Map ? write(r, (Map<String, Object>) e.getValue()) : (String) e.getValue();
      String key = HostileInput.quote(e.getKey());
      if (s.length() > 1) s.append(',');
      if (r.nextInt(10) == 0) s.append(key).append(':').append(HostileInput.scalar(r, new ArrayList<>())).append(',');
      s.append(r.nextInt(5) == 0 ? " \n\t" : "").append(key).append(':').append(value);
      if (r.nextInt(20) == 0) s.append(',').append(key).append(":null");
    }
    return s.append('}').toString();
  }

  /** {@code json} with a padding field that takes it past {@code maxBytes} (up to 5 MiB). */
  private static byte[] padded(SplittableRandom r, String json, int maxBytes) {
    int size = maxBytes + 1 + r.nextInt(5 * 1024 * 1024 - maxBytes);
    byte[] head = "{\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
    byte[] tail = ("\"," + json.substring(1)).getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[Math.max(size, head.length + tail.length)];
    Arrays.fill(body, (byte) 'x');
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(tail, 0, body, body.length - tail.length, tail.length);
    return body;
  }
}
