package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.SessionSelector;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import java.io.IOException;
import java.net.http.HttpClient;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.AbstractClientHttpRequestFactoryWrapper;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * A {@link ClientHttpRequestInterceptor} for {@code RestClient} and {@code RestTemplate} that keeps a
 * {@link TokenSession}'s requests working while the access token expires: it attaches the token to
 * requests in the session's scope, refreshes once when the backend rejects it, and replays the request
 * (at most twice; the body is a {@code byte[]}, so it can always be replayed).
 *
 * <pre>{@code
 * ClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(HttpClient.newHttpClient());
 * TokenSession session = TokenSession.builder(dialect, RestRefreshTransport.of(factory)).build();
 * RestClient client = RestRefreshInterceptor.install(RestClient.builder(), factory, session).build();
 * RestTemplate template = RestRefreshInterceptor.install(new RestTemplate(factory), session);
 * }</pre>
 *
 * <p><b>Redirects.</b> The token must never follow a redirect to another origin, and Spring's request
 * factories follow some ({@code SimpleClientHttpRequestFactory}, {@code RestTemplate}'s default, follows
 * {@code GET} redirects and copies custom headers such as {@code X-Token}; {@code JdkClientHttpRequestFactory}
 * follows them when its {@code HttpClient} does). So the token goes on the wire only through a factory
 * from {@link #requestFactory()} or {@link #requestFactory(HttpClient)}, which follow none: the interceptor
 * hands the token to the factory, never to the request. {@code install} refuses any other factory up front;
 * with an interceptor from {@link #of} in front of any other factory (or one swapped in later) the request
 * goes out without the token and the call fails with an {@link IllegalStateException} naming the fix.
 * The hand-off is on the calling thread: interceptors after this one must not move the request to another.
 *
 * <p><b>Its place in the interceptor chain</b> (Spring Framework 6.2 and 7.0). {@code install} adds it after
 * the interceptors the client has. Interceptors registered <em>before</em> it run once per call, and what they
 * set (headers, URI, body) is replayed: on both lines, so register there whatever changes the request.
 * Interceptors registered <em>after</em> it see the request without the token (the request factory sets it) and,
 * on a refresh, run a second time for the replay on Spring 7.0 (whose {@code ClientHttpRequestExecution} runs
 * the rest of the chain each time it is executed), but not on 6.2 (one iterator over the chain per request:
 * the replay goes straight to the request factory, without what they set). Keep only observers there, or none.
 *
 * <p>With the {@code HttpURLConnection} factory, a 401 to a request with a body arrives without its body
 * ({@code HttpURLConnection} in streaming mode drops it), so a "token rejected" signal must not need the
 * body of a 401 there — none of the presets does.
 *
 * <p>Threads: everything runs on the caller's thread, but for a reply whose body may carry a signal: that
 * body is read ahead (at most {@code bodyPeekTimeout}) on a daemon thread while the caller waits.
 *
 * <p>When the session cannot serve a call, the caller gets Spring's {@code ResourceAccessException} (as for
 * any request that got no usable reply) whose cause is the reason: a {@link LoginRequiredException} (no
 * session, or it ended) or a {@link RefreshFailedException} (a needed refresh failed; the session is kept).
 * Its message names the request and leaves the reason to the cause (the interceptor throws it itself, so
 * Spring does not wrap it again with the reason's message); see the module's README for the table.
 *
 * <p><b>Many users</b> ({@link TokenSessions}, e.g. a backend-for-frontend): built over a registry, the
 * interceptor sends each request through the session of the key in its request attribute
 * {@link SessionKey#ATTRIBUTE} ({@code RestClient}), else of the calling thread's key
 * ({@link TokenSessions#callAs}; the only way for {@code RestTemplate}, which has no per-call attributes). Both
 * are read on the caller's thread, where the interceptor runs.
 * <pre>{@code
 * RestClient client = RestRefreshInterceptor.install(RestClient.builder(), factory, sessions).build();
 * client.get().uri("/api/me").attribute(SessionKey.ATTRIBUTE, "alice").retrieve().body(String.class);
 * TokenSessions.callAs("bob", () -> template.getForObject("/api/me", String.class));
 * }</pre>
 * Everything about the request (its token, the refresh it waits for, its replay) is that key's session. A
 * request naming no key fails with the {@code ResourceAccessException} above, whose cause (an
 * {@code IOException}) carries the reason; nothing is sent. One for a key with no signed-in session fails with
 * {@link LoginRequiredException} ({@code NO_SESSION}) as its cause.
 */
public final class RestRefreshInterceptor implements ClientHttpRequestInterceptor {
  private final SessionSelector sessions;

  private RestRefreshInterceptor(SessionSelector sessions) {
    this.sessions = sessions;
  }

  /**
   * An interceptor sending through {@code session}. It attaches the token only through a factory from
   * {@link #requestFactory()} or {@link #requestFactory(HttpClient)}; prefer {@code install}, which checks that.
   */
  public static RestRefreshInterceptor of(TokenSession session) {
    if (session == null) throw new IllegalArgumentException("session is null");
    return new RestRefreshInterceptor(SessionSelector.of(session));
  }

  /** As {@link #of(TokenSession)}, for many users: each request goes through its key's session (see Many users). */
  public static RestRefreshInterceptor of(TokenSessions sessions) {
    if (sessions == null) throw new IllegalArgumentException("sessions is null");
    return new RestRefreshInterceptor(SessionSelector.of(sessions));
  }

  /** An {@code HttpURLConnection} factory that follows no redirect; set timeouts on it as usual. */
  public static SimpleClientHttpRequestFactory requestFactory() {
    return new SafeRequestFactories.UrlConnection();
  }

  /**
   * A {@code java.net.http} factory over {@code client}, which must not follow redirects
   * ({@code HttpClient.Redirect.NEVER}, the default); set a read timeout on it as usual.
   */
  public static JdkClientHttpRequestFactory requestFactory(HttpClient client) {
    if (client == null) throw new IllegalArgumentException("client is null");
    if (client.followRedirects() != HttpClient.Redirect.NEVER) {
      throw new IllegalArgumentException("the client follows redirects (" + client.followRedirects()
          + "); a redirect would carry the token header to whatever origin it names. Build it with"
          + " followRedirects(HttpClient.Redirect.NEVER) (the default)");
    }
    return new SafeRequestFactories.Jdk(client);
  }

  /**
   * Adds an interceptor for {@code session} to {@code template}, after the ones it has.
   *
   * @throws IllegalArgumentException the template's request factory is not from {@code requestFactory(...)}
   */
  public static RestTemplate install(RestTemplate template, TokenSession session) {
    return install(template, of(session));
  }

  /**
   * Adds an interceptor for {@code sessions} to {@code template}, after the ones it has: each request goes
   * through the session of the calling thread's key ({@link TokenSessions#callAs}).
   *
   * @throws IllegalArgumentException the template's request factory is not from {@code requestFactory(...)}
   */
  public static RestTemplate install(RestTemplate template, TokenSessions sessions) {
    return install(template, of(sessions));
  }

  private static RestTemplate install(RestTemplate template, RestRefreshInterceptor interceptor) {
    if (template == null) throw new IllegalArgumentException("template is null");
    ClientHttpRequestFactory factory = template.getRequestFactory();
    while (factory instanceof AbstractClientHttpRequestFactoryWrapper) {
      factory = ((AbstractClientHttpRequestFactoryWrapper) factory).getDelegate();
    }
    requireSafe(factory);
    template.getInterceptors().add(interceptor);
    return template;
  }

  /**
   * Sets {@code factory} on {@code builder} and adds an interceptor for {@code session} after the ones it has.
   *
   * @throws IllegalArgumentException {@code factory} is not from {@code requestFactory(...)}
   */
  public static RestClient.Builder install(RestClient.Builder builder, ClientHttpRequestFactory factory,
      TokenSession session) {
    return install(builder, factory, of(session));
  }

  /**
   * Sets {@code factory} on {@code builder} and adds an interceptor for {@code sessions} after the ones it has:
   * each request goes through the session of its {@link SessionKey#ATTRIBUTE}, else of the calling thread's key.
   *
   * @throws IllegalArgumentException {@code factory} is not from {@code requestFactory(...)}
   */
  public static RestClient.Builder install(RestClient.Builder builder, ClientHttpRequestFactory factory,
      TokenSessions sessions) {
    return install(builder, factory, of(sessions));
  }

  private static RestClient.Builder install(RestClient.Builder builder, ClientHttpRequestFactory factory,
      RestRefreshInterceptor interceptor) {
    if (builder == null) throw new IllegalArgumentException("builder is null");
    requireSafe(factory);
    return builder.requestFactory(factory).requestInterceptors(list -> list.add(interceptor));
  }

  static ClientHttpRequestFactory requireSafe(ClientHttpRequestFactory factory) {
    if (factory == null) throw new IllegalArgumentException("factory is null");
    if (!(factory instanceof SafeRequestFactories.Safe)) throw new IllegalArgumentException(unsafeFactory(factory));
    return factory;
  }

  /** Why a factory is refused, and the fix. */
  static String unsafeFactory(Object factory) {
    return "Silent Refresh sends tokens only through a request factory that follows no redirect, and "
        + (factory == null ? "this one" : factory.getClass().getSimpleName()) + " may follow them (and carry"
        + " the token to another origin). Use RestRefreshInterceptor.requestFactory() (HttpURLConnection) or"
        + " RestRefreshInterceptor.requestFactory(HttpClient) (java.net.http), and RestRefreshInterceptor.install(...)";
  }

  @Override
  public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
      throws IOException {
    TokenSession session;
    try {
      session = sessions.select(SessionKey.of(request.getAttributes().get(SessionKey.ATTRIBUTE)));
    } catch (IllegalStateException e) { // before anything is sent
      throw SessionFailures.forRest(request.getMethod(), request.getURI(), SessionFailures.unselected(e));
    }
    try {
      return SessionCalls.of(session).execute(request.getURI(), new RestExchange(request, body, execution, session));
    } catch (LoginRequiredException | RefreshFailedException e) {
      throw SessionFailures.forRest(request.getMethod(), request.getURI(), e);
    }
  }

  @Override
  public String toString() {
    return "RestRefreshInterceptor{" + sessions + '}';
  }
}
