package dev.silentrefresh.boot;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.LoginHandler;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.boot.SilentRefreshProperties.Session;
import dev.silentrefresh.micrometer.SessionMetrics;
import dev.silentrefresh.micrometer.SessionObservations;
import dev.silentrefresh.spring.RestRefreshInterceptor;
import dev.silentrefresh.spring.RestRefreshTransport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
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
      @Nullable MeterRegistry meters, @Nullable ObservationRegistry observations, BeanFactory beans) {
    Map<String, Entry> built = new LinkedHashMap<>();
    properties.getSessions().forEach((name, session) ->
        built.put(name, build(name, plan(name, session), customizers, meters, observations, beans)));
    this.sessions = Collections.unmodifiableMap(built);
    checkClients(properties);
  }

  /**
   * Checks every {@code silent-refresh.*} property without building anything (no client, no thread): what
   * {@link SessionPropertiesCheck} runs before the application context starts.
   *
   * @throws InvalidSessionPropertyException naming the first wrong property
   */
  static void check(SilentRefreshProperties properties) {
    properties.getSessions().forEach(SilentRefreshSessions::plan);
    checkClients(properties);
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

  private static void checkClients(SilentRefreshProperties properties) {
    SilentRefreshProperties.Clients clients = properties.getClients();
    Set<String> names = properties.getSessions().keySet();
    checkClient(names, "rest-client", clients.getRestClient(), null);
    checkClient(names, "rest-template", clients.getRestTemplate(), null);
    checkClient(names, "web-client", clients.getWebClient(), "reactor.netty.http.client.HttpClient");
  }

  private static void checkClient(Set<String> sessions, String client, @Nullable String name, @Nullable String needsClass) {
    if (name == null) return;
    String property = "silent-refresh.clients." + client;
    if (!sessions.contains(name)) {
      throw new InvalidSessionPropertyException(property, "names session '" + name + "', but "
          + (sessions.isEmpty() ? "no session is configured under silent-refresh.sessions"
              : "the sessions are " + String.join(", ", sessions)));
    }
    if (needsClass != null && !ClassUtils.isPresent(needsClass, SilentRefreshSessions.class.getClassLoader())) {
      throw new InvalidSessionPropertyException(property, "WebClient needs spring-webflux and"
          + " reactor-netty-http on the classpath (spring-boot-starter-webclient brings both)");
    }
  }

  /** One session's properties, checked: everything but the beans it names and the HTTP client. */
  private static final class Plan {
    final String prefix;
    final Session properties;
    final Dialect dialect;
    final Duration connectTimeout;
    final Duration readTimeout;
    final List<URI> scope = new java.util.ArrayList<>();
    final TokenStore store;
    final @Nullable PropertyLogin login;

    Plan(String prefix, Session properties, Dialect dialect, Duration connectTimeout, Duration readTimeout,
        TokenStore store, @Nullable PropertyLogin login) {
      this.prefix = prefix;
      this.properties = properties;
      this.dialect = dialect;
      this.connectTimeout = connectTimeout;
      this.readTimeout = readTimeout;
      this.store = store;
      this.login = login;
    }
  }

  private static Plan plan(String name, Session s) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new InvalidSessionPropertyException("silent-refresh.sessions",
          "session name '" + name + "' may only have letters, digits, '-' and '_'");
    }
    String p = PREFIX + name + ".";
    Dialect dialect = new DialectProperties(p, s).build();
    Plan plan = new Plan(p, s, dialect, positive(p + "connect-timeout", s.getConnectTimeout()),
        positive(p + "read-timeout", s.getReadTimeout()), store(p, s.getStore()), PropertyLogin.of(p, s, dialect));
    List<String> scope = s.getScope();
    for (int i = 0; i < scope.size(); i++) {
      String property = p + "scope[" + i + "]";
      URI origin = DialectProperties.absoluteUrl(property, scope.get(i));
      String path = origin.getRawPath();
      if ((path != null && !path.isEmpty() && !path.equals("/")) || origin.getRawQuery() != null) {
        throw new InvalidSessionPropertyException(property, "must be an origin (scheme://host[:port]) without a"
            + " path: the token goes to every path of an origin");
      }
      plan.scope.add(origin);
    }
    nonNegative(p + "blocking-margin", s.getBlockingMargin());
    nonNegative(p + "refresh-ahead", s.getRefreshAhead());
    positive(p + "refresh-timeout", s.getRefreshTimeout());
    if (s.getRefreshDeadline() != null) positive(p + "refresh-deadline", s.getRefreshDeadline());
    positive(p + "login-timeout", s.getLoginTimeout());
    if (s.getRetry().getMaxAttempts() < 1) {
      throw new InvalidSessionPropertyException(p + "retry.max-attempts", "must be at least 1, not " + s.getRetry().getMaxAttempts());
    }
    nonNegative(p + "retry.initial-backoff", s.getRetry().getInitialBackoff());
    nonNegative(p + "retry.max-backoff", s.getRetry().getMaxBackoff());
    if (plan.login != null && s.getLogin().getHandler() != null) {
      throw new InvalidSessionPropertyException(p + "login.handler", "and login.grant "
          + s.getLogin().getGrant().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + " are both set; use one");
    }
    return plan;
  }

  private static Entry build(String name, Plan plan, List<TokenSessionCustomizer> customizers,
      @Nullable MeterRegistry meters, @Nullable ObservationRegistry observations, BeanFactory beans) {
    Session s = plan.properties;
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(plan.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    JdkClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(http);
    factory.setReadTimeout(plan.readTimeout);
    RestRefreshTransport transport = RestRefreshTransport.of(factory);
    TokenSession.Builder b = TokenSession.builder(plan.dialect, transport)
        .blockingMargin(s.getBlockingMargin())
        .refreshAhead(s.getRefreshAhead())
        .refreshTimeout(s.getRefreshTimeout())
        .loginTimeout(s.getLoginTimeout())
        .retry(s.getRetry().getMaxAttempts(), s.getRetry().getInitialBackoff(), s.getRetry().getMaxBackoff())
        .store(plan.store);
    if (!plan.scope.isEmpty()) b.scope(plan.scope.toArray(new URI[0]));
    if (s.getRefreshDeadline() != null) b.refreshDeadline(s.getRefreshDeadline());
    if (plan.login != null) b.loginHandler(plan.login.through(transport));
    else if (s.getLogin().getHandler() != null) b.loginHandler(loginBean(plan.prefix + "login.handler", s.getLogin().getHandler(), beans));

    SessionStatus status = new SessionStatus();
    b.listener(status);
    SessionMetrics metrics = meters == null ? null : SessionMetrics.of(meters, name);
    if (metrics != null) b.listener(metrics);
    if (observations != null && !observations.isNoop()) b.listener(SessionObservations.of(observations, name));
    for (TokenSessionCustomizer c : customizers) c.customize(name, b);
    TokenSession session = b.build();
    if (metrics != null) metrics.watch(session);
    return new Entry(session, factory, plan.connectTimeout, plan.readTimeout, status);
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
      throw new InvalidSessionPropertyException(property, "must be a positive duration, e.g. 10s, not " + show(d));
    }
    return d;
  }

  private static Duration nonNegative(String property, Duration d) {
    if (d == null || d.isNegative()) {
      throw new InvalidSessionPropertyException(property, "must be zero or a positive duration, e.g. 10s, not " + show(d));
    }
    return d;
  }

  /** A duration as it is written in properties: {@code -3s}, {@code 250ms}. */
  private static String show(@Nullable Duration d) {
    if (d == null) return "nothing";
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  @Override
  public String toString() {
    return "SilentRefreshSessions" + sessions.keySet();
  }
}
