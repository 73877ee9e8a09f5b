package dev.silentrefresh.leakcheck;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets to look for, each with the URL part it may follow. Finding them in a line costs one rolling hash per
 * distinct secret length over the line (no substring is made unless a hash matches), so every log record of a run
 * can be scanned as it is published.
 */
final class SecretIndex {
  private static final long BASE = 1_000_003L;

  /** One secret found in a line: where, and whether it stood right after the URL part its dialect puts it in. */
  record Hit(int start, int end, boolean inItsUrl) {}

  private final Map<String, String> expectedAfter = new ConcurrentHashMap<>();
  private final Map<Integer, Set<Long>> hashesByLength = new ConcurrentHashMap<>();

  void add(String secret, String urlPart) {
    expectedAfter.merge(secret, urlPart, (old, now) -> old.isEmpty() ? old : now);
    hashesByLength.computeIfAbsent(secret.length(), n -> ConcurrentHashMap.newKeySet()).add(hash(secret, 0, secret.length()));
  }

  int size() {
    return expectedAfter.size();
  }

  List<Hit> find(CharSequence text) {
    List<Hit> hits = new ArrayList<>(0);
    for (Map.Entry<Integer, Set<Long>> byLength : hashesByLength.entrySet()) {
      int n = byLength.getKey();
      if (n > text.length()) continue;
      Set<Long> hashes = byLength.getValue();
      long power = 1;
      for (int i = 1; i < n; i++) power *= BASE;
      long h = hash(text, 0, n);
      for (int start = 0; ; start++) {
        if (hashes.contains(h)) {
          String candidate = text.subSequence(start, start + n).toString();
          String urlPart = expectedAfter.get(candidate);
          if (urlPart != null) hits.add(new Hit(start, start + n, inUrl(text, start, urlPart)));
        }
        if (start + n >= text.length()) break;
        h = (h - text.charAt(start) * power) * BASE + text.charAt(start + n);
      }
    }
    return hits;
  }

  private static boolean inUrl(CharSequence text, int start, String urlPart) {
    if (urlPart.isEmpty() || start < urlPart.length()) return false;
    return text.subSequence(start - urlPart.length(), start).toString().equals(urlPart);
  }

  private static long hash(CharSequence s, int from, int to) {
    long h = 0;
    for (int i = from; i < to; i++) h = h * BASE + s.charAt(i);
    return h;
  }
}
