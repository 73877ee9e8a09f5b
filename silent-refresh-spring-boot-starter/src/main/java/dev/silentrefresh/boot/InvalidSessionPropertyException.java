package dev.silentrefresh.boot;

/**
 * A {@code silent-refresh.*} property is missing or wrong. Start-up stops with its message, which names the
 * property and what is wrong with it, never a secret. {@link InvalidSessionPropertyFailureAnalyzer} turns it
 * into Spring Boot's "APPLICATION FAILED TO START" report.
 */
public final class InvalidSessionPropertyException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String problem;

  public InvalidSessionPropertyException(String property, String problem) {
    this(property, problem, null);
  }

  public InvalidSessionPropertyException(String property, String problem, Throwable cause) {
    super("silent-refresh: property '" + property + "': " + problem, cause);
    this.property = property;
    this.problem = problem;
  }

  /** The full property name, e.g. {@code silent-refresh.sessions.github.dialect}. */
  public String property() {
    return property;
  }

  /** What is wrong with it. */
  public String problem() {
    return problem;
  }
}
