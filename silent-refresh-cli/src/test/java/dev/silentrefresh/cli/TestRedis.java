package dev.silentrefresh.cli;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The Redis the fleet tests share: 127.0.0.1:6379, or {@code SILENT_REFRESH_REDIS=host:port}. Asked the way the
 * fleet demo asks ({@link FleetRedis#problem}); when it does not answer, a test is skipped saying so, except under
 * {@code CI=true}, where it fails.
 */
final class TestRedis {
  static final String URI = "redis://" + System.getenv().getOrDefault("SILENT_REFRESH_REDIS", "127.0.0.1:6379");

  private TestRedis() {}

  /** Returns the URI of a Redis that answers; else skips (or, under CI=true, fails) the calling test. */
  static String require() {
    String problem = FleetRedis.problem(URI);
    if (problem != null) {
      String message = "the fleet tests need a running Redis: " + problem
          + " (set SILENT_REFRESH_REDIS=host:port to use another)";
      if ("true".equals(System.getenv("CI"))) Assertions.fail(message + "; under CI=true this is a failure");
      Assumptions.abort(message + "; skipped");
    }
    return URI;
  }
}
