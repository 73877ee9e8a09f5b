package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A {@link ClientHttpRequestInterceptor} for {@code RestClient} and {@code RestTemplate} that keeps a
 * {@link TokenSession}'s requests working while the access token expires: it attaches the token to
 * requests in the session's scope, refreshes once when the backend rejects it, and replays the request
 * once (the body is a {@code byte[]}, so it can always be replayed).
 *
 * <pre>{@code
 * TokenSession session = TokenSession.builder(dialect, RestRefreshTransport.of(new JdkClientHttpRequestFactory())).build();
 * RestClient client = RestClient.builder().requestFactory(new JdkClientHttpRequestFactory())
 *     .requestInterceptor(RestRefreshInterceptor.of(session)).build();   // register it last
 * }</pre>
 *
 * <p><b>Register it last.</b> Spring 6.2 walks the interceptor chain with one iterator per request, so
 * the replay (a second {@code execution.execute}) skips the interceptors registered after this one and
 * goes straight to the request factory, which creates a fresh request. Interceptors registered before it
 * run once per call, and what they set on the request is replayed.
 *
 * <p><b>Redirects.</b> The token must not follow a redirect to another origin, and this interceptor
 * cannot see the request factory, so use one that does not follow redirects:
 * {@code JdkClientHttpRequestFactory} over an {@code HttpClient} with {@code Redirect.NEVER} (the
 * default), or {@code ReactorClientHttpRequestFactory} (does not follow by default).
 * {@code SimpleClientHttpRequestFactory}, {@code RestTemplate}'s default, follows {@code GET} redirects,
 * and {@code HttpURLConnection} copies custom headers such as {@code X-Token} or {@code token} (though
 * not {@code Authorization}) to the redirect target: with it, override {@code prepareConnection} to call
 * {@code connection.setInstanceFollowRedirects(false)} after {@code super}.
 *
 * <p>With {@code SimpleClientHttpRequestFactory}, a 401 to a request with a body arrives without its body
 * ({@code HttpURLConnection} in streaming mode drops it; Spring 6.2 gets the status, not an
 * {@code HttpRetryException}), so a "token rejected" signal must not need the body of a 401 there —
 * none of the presets does.
 *
 * <p>Failures reach the caller as Spring's {@code ResourceAccessException} whose cause is a
 * {@link LoginRequiredException} (no session, or it ended) or a {@link RefreshFailedException} (a needed
 * refresh failed; the session is kept).
 */
public final class RestRefreshInterceptor implements ClientHttpRequestInterceptor {
  private final TokenSession session;

  private RestRefreshInterceptor(TokenSession session) {
    this.session = session;
  }

  /** An interceptor sending through {@code session}. */
  public static RestRefreshInterceptor of(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return new RestRefreshInterceptor(session);
  }

  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
      throws IOException {
    return SessionCalls.of(session).execute(request.getURI(), new RestExchange(request, body, execution, session));
  }

  @Override
  public String toString() {
    return "RestRefreshInterceptor{" + session + '}';
  }
}
