package dev.silentrefresh.spring;

import dev.silentrefresh.spi.RefreshRequest;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;

/**
 * Keeps a refresh call's URL out of the errors a transport hands to core: a dialect may put the refresh
 * token in the path or the query, and clients quote URLs in exception messages or in attached traces
 * (WebClient adds a checkpoint "Request to POST &lt;url&gt;" to every error). An error that mentions them
 * anywhere in its chain is replaced by a plain {@link IOException} naming the root cause, URL parts redacted.
 */
final class Scrub {
  private Scrub() {}

  static Throwable refreshError(Throwable error, RefreshRequest request) {
    while (error instanceof CompletionException && error.getCause() != null) error = error.getCause();
    List<String> secrets = secretParts(request.uri());
    if (secrets.isEmpty() || !mentions(error, secrets, Collections.newSetFromMap(new IdentityHashMap<>()))) {
      return error;
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String message = root.getMessage() == null ? "" : ": " + redact(root.getMessage(), secrets);
    return new IOException(root.getClass().getSimpleName() + message + " (details withheld: they quote the refresh URL)");
  }

  private static List<String> secretParts(URI uri) {
    List<String> parts = new ArrayList<>();
    for (String s : new String[] {uri.getRawQuery(), uri.getQuery(), uri.getRawPath(), uri.getPath()}) {
      if (s != null && s.length() > 1 && !parts.contains(s)) parts.add(s);
    }
    return parts;
  }

  private static boolean mentions(Throwable t, List<String> secrets, Set<Throwable> seen) {
    if (t == null || !seen.add(t)) return false;
    String text = String.valueOf(t.getMessage()) + ' ' + t;
    for (String s : secrets) if (text.contains(s)) return true;
    for (Throwable suppressed : t.getSuppressed()) if (mentions(suppressed, secrets, seen)) return true;
    return mentions(t.getCause(), secrets, seen);
  }

  private static String redact(String text, List<String> secrets) {
    for (String s : secrets) text = text.replace(s, "<redacted>");
    return text;
  }
}
