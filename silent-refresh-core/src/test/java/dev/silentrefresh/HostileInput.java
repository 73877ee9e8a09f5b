package dev.silentrefresh;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generators of input built to break parsers: random bytes; JSON with deep nesting, huge numbers,
 * {@code -0}, wrong types, duplicate keys, huge strings; byte mutations with invalid UTF-8 and BOMs;
 * JWTs with broken segments and odd claims; dates, content types, statuses and configuration strings.
 */
final class HostileInput {
  private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  /** Visible ASCII a token may hold (RFC 6750 b64token and beyond: opaque tokens are anything printable). */
  private static final String TOKEN_EXTRA = "~+/=.%{}\"\\!#$&'()*,:;<>?@[]^`|";
  private static final byte[][] BAD_UTF8 = {
      {(byte) 0xC3}, {(byte) 0xFF}, {(byte) 0xFE}, {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xE2, (byte) 0x82}, {0}};
  private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
  private static final byte[] UTF16_BOM = {(byte) 0xFE, (byte) 0xFF};
  private static final String[] NUMBERS = {
      "0", "-0", "1", "-1", "300", "3600", "-3600", "0.5", "3600.0", "1E2", "1e3", "-0.0", "2147483648",
      "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e999999", "-1e999999",
      "1e-999999", "1e308", "1.7976931348623157E309", "4.9e-325", "100000000000", "3155760000", "3155760001"};
  private static final String[] WORDS = {
      "", "x", "null", "true", "300", "-1", " 300", "1e3", "999999999999", "9999999999999", "invalid_token",
      "invalid_request", "é", "\\u00e9", "\\ud800", "\\u0000", "\\n", "\\\"", "{refreshToken}", "{accessToken}",
      "Bearer", "😀"};
  /** The time generated replies, claims and dates pretend it is. */
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final int[] DEPTHS = {2, 100, 999, 1000, 1001, 5000, 100_000};

  private HostileInput() {}

  /** Random bytes, usually short, sometimes up to {@code max}. */
  static byte[] bytes(SplittableRandom r, int max) {
    byte[] b = new byte[size(r, max)];
    r.nextBytes(b);
    return b;
  }

  /** A length skewed to small values: most inputs are short, a few reach {@code max}. */
  static int size(SplittableRandom r, int max) {
    int bound = r.nextInt(8) == 0 ? max : Math.min(max, 64);
    return r.nextInt(bound + 1);
  }

  /**
   * A token-like secret: visible ASCII only (as {@link Tokens} requires), long enough never to occur by
   * chance, sometimes with characters that need escaping in JSON, URLs and forms.
   */
  static String secret(SplittableRandom r) {
    StringBuilder s = new StringBuilder("tok");
    int n = 20 + r.nextInt(40);
    boolean odd = r.nextInt(4) == 0;
    for (int i = 0; i < n; i++) {
      s.append(odd && r.nextInt(6) == 0 ? pick(r, TOKEN_EXTRA) : pick(r, BASE64URL));
    }
    if (r.nextInt(20) == 0) s.insert(r.nextInt(s.length()), r.nextBoolean() ? Dialect.ACCESS_TOKEN : Dialect.REFRESH_TOKEN);
    return s.toString();
  }

  /** A JSON string literal holding {@code s}, escaped as JSON requires. */
  static String quote(String s) {
    StringBuilder q = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') q.append('\\').append(c);
      else if (c < 0x20) q.append("\\u00").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
      else q.append(c);
    }
    return q.append('"').toString();
  }

  /** Any JSON scalar or empty container, as text: a wrong type for whatever field it lands in. */
  static String scalar(SplittableRandom r, List<String> planted) {
    switch (r.nextInt(9)) {
      case 0: case 1: return NUMBERS[r.nextInt(NUMBERS.length)];
      case 2: return '"' + WORDS[r.nextInt(WORDS.length)] + '"';
      case 3: {
        String s = secret(r);
        planted.add(s);
        return quote(s);
      }
      case 4: return r.nextBoolean() ? "null" : r.nextBoolean() ? "true" : "false";
      case 5: return r.nextBoolean() ? "{}" : "[]";
      case 6: return hugeNumber(r);
      case 7: return quote(text(r, r.nextInt(50) == 0 ? 200_000 : 40));
      default: return Long.toString(r.nextLong());
    }
  }

  /** A number with hundreds or thousands of digits (Jackson refuses more than 1,000). */
  static String hugeNumber(SplittableRandom r) {
    StringBuilder s = new StringBuilder(r.nextBoolean() ? "-" : "").append(1 + r.nextInt(9));
    int digits = r.nextBoolean() ? 20 + r.nextInt(200) : 990 + r.nextInt(30);
    for (int i = 0; i < digits; i++) s.append((char) ('0' + r.nextInt(10)));
    if (r.nextInt(4) == 0) s.append('.').append(r.nextInt(1000));
    if (r.nextInt(4) == 0) s.append('e').append(r.nextInt(2_000_000) - 1_000_000);
    return s.toString();
  }

  /** Any JSON value as text, at most {@code depth} containers deep, with duplicate keys now and then. */
  static String json(SplittableRandom r, int depth, List<String> planted) {
    if (depth <= 0 || r.nextInt(3) == 0) return scalar(r, planted);
    StringBuilder s = new StringBuilder();
    int n = r.nextInt(5);
    if (r.nextBoolean()) {
      s.append('{');
      for (int i = 0; i < n; i++) {
        if (i > 0) s.append(',');
        String key = r.nextInt(4) == 0 ? WORDS[r.nextInt(WORDS.length)] : "k" + r.nextInt(3); // k0..k2 repeat
        s.append('"').append(key).append("\":").append(json(r, depth - 1, planted));
      }
      return s.append('}').toString();
    }
    s.append('[');
    for (int i = 0; i < n; i++) {
      if (i > 0) s.append(',');
      s.append(json(r, depth - 1, planted));
    }
    return s.append(']').toString();
  }

  /** {@code inner} wrapped in {@code [} … {@code ]} to a hostile depth, sometimes never closed. */
  static String nested(SplittableRandom r, String inner) {
    int depth = DEPTHS[r.nextInt(DEPTHS.length)];
    String open = r.nextBoolean() ? "[" : "{\"a\":";
    StringBuilder s = new StringBuilder(depth * (open.length() + 1) + inner.length());
    for (int i = 0; i < depth; i++) s.append(open);
    s.append(inner);
    if (r.nextInt(4) != 0) {
      for (int i = 0; i < depth; i++) s.append(open.equals("[") ? ']' : '}');
    }
    return s.toString();
  }

  /** A few random edits of {@code in}: truncation, flips, inserted garbage, invalid UTF-8, BOMs, cut and repeated ranges. */
  static byte[] mutate(SplittableRandom r, byte[] in) {
    byte[] b = in;
    int edits = 1 + r.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = b.length == 0 ? 0 : r.nextInt(b.length + 1);
      switch (r.nextInt(8)) {
        case 0: b = java.util.Arrays.copyOf(b, at); break;
        case 1: if (b.length > 0) b[Math.min(at, b.length - 1)] ^= (byte) (1 << r.nextInt(8)); break;
        case 2: b = insert(b, at, bytes(r, 8)); break;
        case 3: b = insert(b, at, BAD_UTF8[r.nextInt(BAD_UTF8.length)]); break;
        case 4: b = insert(b, r.nextBoolean() ? 0 : at, r.nextInt(4) == 0 ? UTF16_BOM : UTF8_BOM); break;
        case 5: {
          int end = at + r.nextInt(b.length - at + 1);
          byte[] cut = new byte[b.length - (end - at)];
          System.arraycopy(b, 0, cut, 0, at);
          System.arraycopy(b, end, cut, at, b.length - end);
          b = cut;
          break;
        }
        case 6: {
          int end = at + r.nextInt(Math.min(64, b.length - at) + 1);
          b = insert(b, at, java.util.Arrays.copyOfRange(b, at, end));
          break;
        }
        default: b = insert(b, at, "\"".getBytes(StandardCharsets.US_ASCII)); break;
      }
    }
    return b;
  }

  private static byte[] insert(byte[] b, int at, byte[] what) {
    byte[] out = new byte[b.length + what.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(b, at, out, at + what.length, b.length - at);
    return out;
  }

  /** A string of characters from tricky ranges: ASCII, controls, Latin-1, surrogates (paired or not), JSON and URL syntax. */
  static String text(SplittableRandom r, int maxLen) {
    int n = size(r, maxLen);
    StringBuilder s = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(6)) {
        case 0: s.append((char) (0x20 + r.nextInt(0x5f))); break;
        case 1: s.append((char) r.nextInt(0x20)); break;
        case 2: s.append((char) (0x80 + r.nextInt(0x180))); break;
        case 3: s.append((char) (0xD800 + r.nextInt(0x800))); break;
        case 4: s.append(pick(r, "/~0123{}:?#@%[]\"\\ \t\r\n")); break;
        default: s.append(pick(r, BASE64URL)); break;
      }
    }
    return s.toString();
  }

  /** A JWT-shaped string: header, claims and signature segments each valid, odd or broken. */
  static String jwt(SplittableRandom r, long now) {
    int segments = r.nextInt(8) == 0 ? r.nextInt(5) : 3;
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < segments; i++) {
      if (i > 0) s.append('.');
      s.append(i == 0 ? segment(r, jwtHeader(r)) : i == 1 ? segment(r, claims(r, now)) : segment(r, text(r, 30)));
    }
    return s.toString();
  }

  private static String jwtHeader(SplittableRandom r) {
    switch (r.nextInt(5)) {
      case 0: return "{\"typ\":\"JWT\"}";
      case 1: return json(r, 2, new java.util.ArrayList<>());
      default: return "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    }
  }

  /** Claims whose {@code exp} and {@code iat} are missing, integers, floats, huge, negative, strings or other types. */
  static String claims(SplittableRandom r, long now) {
    StringBuilder s = new StringBuilder("{\"sub\":\"u\"");
    for (String claim : new String[] {"exp", "iat"}) {
      if (r.nextInt(5) == 0) continue;
      String v;
      switch (r.nextInt(7)) {
        case 0: v = Long.toString(now + r.nextInt(7200) - 3600); break;
        case 1: v = (now + r.nextInt(7200)) + "." + r.nextInt(1000); break;
        case 2: v = '"' + Long.toString(now + 300) + '"'; break;
        case 3: v = Long.toString(r.nextLong()); break;
        default: v = scalar(r, new java.util.ArrayList<>()); break;
      }
      s.append(",\"").append(claim).append("\":").append(v);
    }
    String tail = r.nextInt(10) == 0 ? ",\"exp\":" + (now + 60) : ""; // a duplicate exp
    return s.append(tail).append('}').toString();
  }

  private static String segment(SplittableRandom r, String json) {
    byte[] raw = json.getBytes(StandardCharsets.UTF_8);
    switch (r.nextInt(10)) {
      case 0: raw = mutate(r, raw); break;
      case 1: return text(r, 20); // not base64url at all
      case 2: return Base64.getUrlEncoder().encodeToString(raw); // with padding
      case 3: return Base64.getEncoder().withoutPadding().encodeToString(raw); // '+' and '/' instead of '-' and '_'
      default: break;
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  /** A {@code Date} header: valid around {@code now}, far off, or not a date at all. */
  static String httpDate(SplittableRandom r, long now) {
    switch (r.nextInt(5)) {
      case 0: return null;
      case 1: return text(r, 40);
      case 2: return "Mon, 31 Feb 2026 25:61:61 GMT";
      case 3: return DateTimeFormatter.RFC_1123_DATE_TIME.format(
          Instant.ofEpochSecond(r.nextLong(-62_135_596_800L, 253_402_300_799L)).atOffset(ZoneOffset.UTC));
      default: return DateTimeFormatter.RFC_1123_DATE_TIME.format(
          Instant.ofEpochSecond(now + r.nextInt(200_000) - 100_000).atOffset(ZoneOffset.UTC));
    }
  }

  /**
   * A {@code Content-Type}: JSON with or without parameters, text, HTML, garbage, none, or one quoting
   * {@code echo} (a server echoing a token where no token belongs).
   */
  static String contentType(SplittableRandom r, String echo) {
    switch (r.nextInt(8)) {
      case 0: return null;
      case 1: return "application/json; charset=utf-8";
      case 2: return "text/plain";
      case 3: return "text/html";
      case 4: return text(r, 30);
      case 5: return "application/" + echo;
      default: return "application/json";
    }
  }

  /** An HTTP status: the usual ones, any in 100–599, or none a server should send. */
  static int status(SplittableRandom r) {
    int[] usual = {200, 200, 200, 201, 204, 400, 401, 403, 404, 408, 429, 500, 502, 503};
    switch (r.nextInt(6)) {
      case 0: return 100 + r.nextInt(500);
      case 1: return r.nextInt(5) == 0 ? r.nextInt() : r.nextInt(1000);
      default: return usual[r.nextInt(usual.length)];
    }
  }

  static <T> T pick(SplittableRandom r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }

  private static char pick(SplittableRandom r, String from) {
    return from.charAt(r.nextInt(from.length()));
  }

  /** {@code value} for a failure report on one line: bytes as Latin-1, anything unprintable escaped, cut to 2,000 characters. */
  static String show(Object value) {
    String s = value instanceof byte[] ? new String((byte[]) value, StandardCharsets.ISO_8859_1) : String.valueOf(value);
    StringBuilder e = new StringBuilder();
    for (int i = 0; i < s.length() && e.length() < 2000; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f) e.append(c);
      else e.append(String.format("\\u%04x", (int) c));
    }
    return e.length() < 2000 ? e.toString() : e + "… (" + s.length() + " in all)";
  }
}
