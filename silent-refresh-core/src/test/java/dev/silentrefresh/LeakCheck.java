package dev.silentrefresh;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Fails when a text shows a secret: an exception's message, its {@code toString()}, its causes and
 * suppressed exceptions, or any object's {@code toString()}. A secret counts as shown as it is and
 * percent-encoded (as core puts tokens in URLs and forms).
 */
final class LeakCheck {
  private LeakCheck() {}

  static void assertNoSecretIn(Collection<String> secrets, Object... shown) {
    Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Object o : shown) check(secrets, o, seen);
  }

  private static void check(Collection<String> secrets, Object o, Set<Object> seen) {
    if (o == null || !seen.add(o)) return;
    String text = String.valueOf(o);
    if (o instanceof Throwable) {
      Throwable t = (Throwable) o;
      text = t.getMessage() + " " + t;
      for (Throwable s : t.getSuppressed()) check(secrets, s, seen);
      check(secrets, t.getCause(), seen);
    }
    for (String secret : secrets) {
      if (secret == null) continue;
      if (text.contains(secret) || text.contains(RefreshCodec.percentEncode(secret))) {
        throw new AssertionError("a secret is shown in: " + text.replace(secret, "<SECRET>"));
      }
    }
  }
}
