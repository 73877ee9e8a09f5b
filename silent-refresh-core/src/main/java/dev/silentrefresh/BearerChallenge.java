package dev.silentrefresh;

import java.util.Locale;

/** Reads the {@code error} parameter of a {@code WWW-Authenticate: Bearer …} challenge (RFC 6750 §3). */
final class BearerChallenge {
  private BearerChallenge() {}

  /** The error parameter of the Bearer challenge, or null when there is none. */
  static String errorOf(String header) {
    if (header == null) return null;
    String lower = header.toLowerCase(Locale.ROOT);
    int bearer = lower.indexOf("bearer");
    if (bearer < 0) return null;
    int i = bearer + "bearer".length();
    while (i < header.length()) {
      while (i < header.length() && (header.charAt(i) == ' ' || header.charAt(i) == ',')) i++;
      int eq = header.indexOf('=', i);
      if (eq < 0) return null;
      String name = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
      int v = eq + 1;
      String value;
      if (v < header.length() && header.charAt(v) == '"') {
        int end = header.indexOf('"', v + 1);
        if (end < 0) end = header.length();
        value = header.substring(v + 1, end);
        i = end + 1;
      } else {
        int end = header.indexOf(',', v);
        if (end < 0) end = header.length();
        value = header.substring(v, end).trim();
        i = end;
      }
      if (name.equals("error")) return value;
      if (name.contains(" ")) return null; // next challenge scheme: stop
    }
    return null;
  }
}
