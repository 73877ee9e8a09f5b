package dev.silentrefresh.spring;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import java.io.IOException;
import java.net.URI;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * How a call the session could not serve reaches a Spring caller: as the exception the client uses for a
 * request that got no usable reply ({@code ResourceAccessException}, {@code WebClientRequestException}),
 * with core's {@link LoginRequiredException} or {@link RefreshFailedException} as its cause (or, when no session
 * could be chosen for the request, an {@code IOException} saying why). The wrapper
 * names the request (method, origin and path, never the query) and leaves the reason to the cause, so a
 * printed trace says it once; Spring's own wrapping ("I/O error on GET request for ...: " + the cause's
 * message) is avoided by throwing an unchecked exception, which Spring passes on as it is.
 */
final class SessionFailures {
  private SessionFailures() {}

  /** True for the failures core reports to callers: the session cannot serve the call. */
  static boolean isSessionFailure(Throwable t) {
    return t instanceof LoginRequiredException || t instanceof RefreshFailedException;
  }

  /**
   * Why no session could be chosen for a request (it names no key, or a bad one): an {@code IOException} with
   * the reason as its message, as the cause of the failure the caller gets.
   */
  static IOException unselected(IllegalStateException reason) {
    return new IOException(reason.getMessage(), reason);
  }

  /** For RestClient/RestTemplate: an unchecked {@code ResourceAccessException} Spring does not wrap again. */
  static ResourceAccessException forRest(HttpMethod method, URI uri, IOException reason) {
    return new RestSessionException(describe(method, uri), reason);
  }

  /** For WebClient: a {@code WebClientRequestException} whose message does not repeat the cause's. */
  static WebClientRequestException forWebClient(HttpMethod method, URI uri, HttpHeaders headers, Throwable reason) {
    return new WebClientSessionException(describe(method, uri), reason, method, uri, headers);
  }

  private static String describe(HttpMethod method, URI uri) {
    String where = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath());
    return method + " request for \"" + where + "\" not served by the session (the cause says why)";
  }

  /** A RestClient/RestTemplate call the session could not serve; the reason is the cause. */
  static final class RestSessionException extends ResourceAccessException {
    private static final long serialVersionUID = 1L;

    RestSessionException(String message, IOException reason) {
      super(message, reason);
    }
  }

  /** A WebClient call the session could not serve; the reason is the cause. */
  static final class WebClientSessionException extends WebClientRequestException {
    private static final long serialVersionUID = 1L;
    private final String message;

    WebClientSessionException(String message, Throwable reason, HttpMethod method, URI uri, HttpHeaders headers) {
      super(reason, method, uri, headers);
      this.message = message;
    }

    @Override
    public String getMessage() { // Spring's constructor takes the cause's message; this one names the request
      return message;
    }
  }
}
