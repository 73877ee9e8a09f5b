package dev.silentrefresh;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Keeps tokens out of what core passes on from a transport's failure. A client's exception may quote
 * the refresh URL (which carries the refresh token in some dialects) in its message, its causes or its
 * suppressed exceptions; such an exception is replaced by a plain one with the tokens redacted.
 */
final class Secrets {
  private Secrets() {}

  /** {@code error} itself when nothing in it quotes one of {@code tokens}; otherwise a redacted replacement. */
  static Throwable withoutTokens(Throwable error, Tokens tokens) {
    List<String> secrets = forms(tokens);
    if (error == null || secrets.isEmpty()
        || !quotes(error, secrets, Collections.newSetFromMap(new IdentityHashMap<>()))) {
      return error;
    }
    String message = error.getMessage() == null ? "" : ": " + redact(error.getMessage(), secrets);
    return new IOException(error.getClass().getSimpleName() + message
        + " (details withheld: the client's exception quoted a token)");
  }

  /** The tokens as they may appear: as is, and percent-encoded as core puts them in URLs and forms. */
  private static List<String> forms(Tokens tokens) {
    List<String> forms = new ArrayList<>();
    if (tokens == null) return forms;
    for (String t : new String[] {tokens.refreshToken(), tokens.accessToken()}) {
      if (t == null) continue;
      forms.add(t);
      String encoded = RefreshCodec.percentEncode(t);
      if (!encoded.equals(t)) forms.add(encoded);
    }
    return forms;
  }

  private static boolean quotes(Throwable t, List<String> secrets, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) return false;
    String text = t.getMessage() + " " + t;
    for (String s : secrets) if (text.contains(s)) return true;
    for (Throwable suppressed : t.getSuppressed()) if (quotes(suppressed, secrets, seen)) return true;
    return quotes(t.getCause(), secrets, seen);
  }

  private static String redact(String text, List<String> secrets) {
    for (String s : secrets) text = text.replace(s, "<redacted>");
    return text;
  }
}
