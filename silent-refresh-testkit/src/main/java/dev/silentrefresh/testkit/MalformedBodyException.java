package dev.silentrefresh.testkit;

/** A request body (JSON or form) that cannot be parsed: answered 400, never 500. */
final class MalformedBodyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  MalformedBodyException(String message) {
    super(message, null, false, false);
  }
}
