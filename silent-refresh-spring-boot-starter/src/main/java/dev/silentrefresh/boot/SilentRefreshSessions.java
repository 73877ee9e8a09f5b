package dev.silentrefresh.boot;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.LoginHandler;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.boot.SilentRefreshProperties.Session;
import dev.silentrefresh.micrometer.SessionMetrics;
import dev.silentrefresh.spring.RestRefreshInterceptor;
import dev.silentrefresh.spring.RestRefreshTransport;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanNotOfRequiredTypeException;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.ClassUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

/**
 * Every session named under {@code silent-refresh.sessions}, built and checked at start-up (a wrong property
 * stops the application with {@link InvalidSessionPropertyException}). Each is also a {@link TokenSession}
 * bean qualified by its name: {@code @Qualifier("github") TokenSession github}.
 *
 * <p>Each session has its own {@code java.net.http} client that follows no redirect; its refresh calls and
 * login go through it, as do the API calls of every client it is installed on.
 *
 * <p>Threads: built on the thread that starts the application; the methods are thread-safe.
 */
public final class SilentRefreshSessions {
  static final String PREFIX = "silent-refresh.sessions.";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  /** One session and what was built for it. */
  static final class Entry {
    final TokenSession session;
    final JdkClientHttpRequestFactory requestFactory;
    final Duration connectTimeout;
    final Duration readTimeout;
    final SessionStatus status;
    volatile @Nullable Object nettyClient;

    Entry(TokenSession session, JdkClientHttpRequestFactory requestFactory, Duration connectTimeout,
        Duration readTimeout, SessionStatus status) {
      this.session = session;
      this.requestFactory = requestFactory;
      this.connectTimeout = connectTimeout;
      this.readTimeout = readTimeout;
      this.status = status;
    }
  }

  private final Map<String, Entry> sessions;

  SilentRefreshSessions(SilentRefreshProperties properties, List<TokenSessionCustomizer> customizers,
      @Nullable MeterRegistry meters, BeanFactory beans) {
    Map<String, Entry> built = new LinkedHashMap<>();
    properties.getSessions().forEach((name, session) ->
        built.put(name, build(name, session, customizers, meters, beans)));
    this.sessions = Collections.unmodifiableMap(built);
    SilentRefreshProperties.Clients clients = properties.getClients();
    checkClient("rest-client", clients.getRestClient(), null);
    checkClient("rest-template", clients.getRestTemplate(), null);
    checkClient("web-client", clients.getWebClient(), "reactor.netty.http.client.HttpClient");
  }

  /**
   * The session called {@code name}.
   *
   * @throws IllegalArgumentException there is none; the message lists the names there are
   */
  public TokenSession get(String name) {
    return entry(name).session;
  }

  /** The sessions' names, in the order of the configuration. */
  public Set<String> names() {
    return sessions.keySet();
  }

  /**
   * Sets the session's request factory on {@code builder} and adds its interceptor after the ones the builder
   * has (see {@link RestRefreshInterceptor}). For a builder of your own; the builders Spring Boot gives out
   * get it from {@code silent-refresh.clients.rest-client}.
   */
  public RestClient.Builder install(String name, RestClient.Builder builder) {
    Entry e = entry(name);
    return RestRefreshInterceptor.install(builder, e.requestFactory, e.session);
  }

  /** Sets the session's request factory on {@code template} and adds its interceptor after the ones it has. */
  public RestTemplate install(String name, RestTemplate template) {
    Entry e = entry(name);
    template.setRequestFactory(e.requestFactory);
    return RestRefreshInterceptor.install(template, e.session);
  }

  Entry entry(String name) {
    Entry e = name == null ? null : sessions.get(name);
    if (e == null) {
      throw new IllegalArgumentException("no Silent Refresh session named '" + name + "'; sessions: " + sessions.keySet());
    }
    return e;
  }

  private void checkClient(String client, @Nullable String name, @Nullable String needsClass) {
    if (name == null) return;
    String property = "silent-refresh.clients." + client;
    if (!sessions.containsKey(name)) {
      throw new InvalidSessionPropertyException(property, "names session '" + name + "', but "
          + (sessions.isEmpty() ? "no session is configured under silent-refresh.sessions"
              : "the sessions are " + String.join(", ", sessions.keySet())));
    }
    if (needsClass != null && !ClassUtils.isPresent(needsClass, getClass().getClassLoader())) {
      throw new InvalidSessionPropertyException(property, "WebClient needs spring-webflux and"
          + " reactor-netty-http on the classpath (spring-boot-starter-webclient brings both)");
    }
  }

  private static Entry build(String name, Session s, List<TokenSessionCustomizer> customizers,
      @Nullable MeterRegistry meters, BeanFactory beans) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidSessionPropertyException("silent-refresh.sessions",
          "session name '" + name + "' may only have letters, digits, '-' and '_'");
    }
    String p = PREFIX + name + ".";
    Dialect dialect = new DialectProperties(p, s).build();
    Duration connectTimeout = positive(p + "connect-timeout", s.getConnectTimeout());
    Duration readTimeout = positive(p + "read-timeout", s.getReadTimeout());
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    JdkClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(http);
    factory.setReadTimeout(readTimeout);
    RestRefreshTransport transport = RestRefreshTransport.of(factory);
    TokenSession.Builder b = TokenSession.builder(dialect, transport);

    List<String> scope = s.getScope();
    for (int i = 0; i < scope.size(); i++) {
      String property = p + "scope[" + i + "]";
      URI origin = DialectProperties.absoluteUrl(property, scope.get(i));
      String path = origin.getRawPath();
      if ((path != null && !path.isEmpty() && !path.equals("/")) || origin.getRawQuery() != null) {
        throw new InvalidSessionPropertyException(property, "must be an origin (scheme://host[:port]) without a"
            + " path: the token goes to every path of an origin");
      }
      b.scope(origin);
    }
    b.blockingMargin(nonNegative(p + "blocking-margin", s.getBlockingMargin()));
    b.refreshAhead(nonNegative(p + "refresh-ahead", s.getRefreshAhead()));
    b.refreshTimeout(positive(p + "refresh-timeout", s.getRefreshTimeout()));
    if (s.getRefreshDeadline() != null) b.refreshDeadline(positive(p + "refresh-deadline", s.getRefreshDeadline()));
    b.loginTimeout(positive(p + "login-timeout", s.getLoginTimeout()));
    if (s.getRetry().getMaxAttempts() < 1) {
      throw new InvalidSessionPropertyException(p + "retry.max-attempts", "must be at least 1, not " + s.getRetry().getMaxAttempts());
    }
    b.retry(s.getRetry().getMaxAttempts(), nonNegative(p + "retry.initial-backoff", s.getRetry().getInitialBackoff()),
        nonNegative(p + "retry.max-backoff", s.getRetry().getMaxBackoff()));
    b.store(store(p, s.getStore()));

    LoginHandler login = PropertyLogin.of(p, s, dialect, transport);
    if (login == null && s.getLogin().getHandler() != null) login = loginBean(p + "login.handler", s.getLogin().getHandler(), beans);
    if (login != null) b.loginHandler(login);

    SessionStatus status = new SessionStatus();
    b.listener(status);
    SessionMetrics metrics = meters == null ? null : SessionMetrics.of(meters, name);
    if (metrics != null) b.listener(metrics);
    for (TokenSessionCustomizer c : customizers) c.customize(name, b);
    TokenSession session = b.build();
    if (metrics != null) metrics.watch(session);
    return new Entry(session, factory, connectTimeout, readTimeout, status);
  }

  private static TokenStore store(String p, SilentRefreshProperties.Store store) {
    switch (store.getType()) {
      case FILE:
        Path path = store.getPath();
        if (path == null || path.toString().isBlank()) {
          throw new InvalidSessionPropertyException(p + "store.path", "is required with store.type file");
        }
        if (Files.isDirectory(path)) {
          throw new InvalidSessionPropertyException(p + "store.path", "is a directory (" + path + "); name a file in it");
        }
        return TokenStore.file(path);
      case MEMORY:
      default:
        if (store.getPath() != null) {
          throw new InvalidSessionPropertyException(p + "store.path", "is set, but store.type is memory; set store.type: file");
        }
        return TokenStore.inMemory();
    }
  }

  private static LoginHandler loginBean(String property, String beanName, BeanFactory beans) {
    try {
      return beans.getBean(beanName, LoginHandler.class);
    } catch (BeanNotOfRequiredTypeException e) {
      throw new InvalidSessionPropertyException(property, "bean '" + beanName + "' is a "
          + e.getActualType().getName() + ", not a dev.silentrefresh.LoginHandler");
    } catch (NoSuchBeanDefinitionException e) {
      throw new InvalidSessionPropertyException(property, "there is no bean named '" + beanName + "'");
    }
  }

  private static Duration positive(String property, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidSessionPropertyException(property, "must be a positive duration, e.g. 10s, not " + d);
    }
    return d;
  }

  private static Duration nonNegative(String property, Duration d) {
    if (d == null || d.isNegative()) {
      throw new InvalidSessionPropertyException(property, "must be zero or a positive duration, e.g. 10s, not " + d);
    }
    return d;
  }

  @Override
  public String toString() {
    return "SilentRefreshSessions" + sessions.keySet();
  }
}
