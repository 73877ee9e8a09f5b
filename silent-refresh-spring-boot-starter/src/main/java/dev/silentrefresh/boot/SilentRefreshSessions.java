package dev.silentrefresh.boot;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.LoginHandler;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.boot.SilentRefreshProperties.Session;
import dev.silentrefresh.micrometer.SessionMetrics;
import dev.silentrefresh.micrometer.SessionObservations;
import dev.silentrefresh.spring.RestRefreshInterceptor;
import dev.silentrefresh.spring.RestRefreshTransport;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
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
 * A session with {@code per-user: true} is a {@link TokenSessions} instead, one session per user key, made at the
 * key's first use: {@link #perUser(String)}, or the bean {@code <name>TokenSessions} qualified by its name.
 *
 * <p>Each session (each per-user registry) has its own {@code java.net.http} client that follows no redirect; its
 * refresh calls and login go through it, as do the API calls of every client it is installed on.
 *
 * <p>Threads: built on the thread that starts the application; a user's session is made on the thread that first
 * uses its key; the methods are thread-safe.
 */
public final class SilentRefreshSessions {
  static final String PREFIX = "silent-refresh.sessions.";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

  /** One session (or one per-user registry) and what was built for it. */
  static final class Entry {
    final String name;
    /** The session; null for a per-user registry. */
    final @Nullable TokenSession session;
    /** The per-user registry; null for one session. */
    final @Nullable TokenSessions perUser;
    final Dialect dialect;
    final JdkClientHttpRequestFactory requestFactory;
    final Duration connectTimeout;
    final Duration readTimeout;
    final SessionStatus status;
    volatile @Nullable Object nettyClient;

    Entry(String name, @Nullable TokenSession session, @Nullable TokenSessions perUser, Dialect dialect,
        JdkClientHttpRequestFactory requestFactory, Duration connectTimeout, Duration readTimeout, SessionStatus status) {
      this.name = name;
      this.session = session;
      this.perUser = perUser;
      this.dialect = dialect;
      this.requestFactory = requestFactory;
      this.connectTimeout = connectTimeout;
      this.readTimeout = readTimeout;
      this.status = status;
    }
  }

  /** What the sessions are built with, besides their properties. */
  private static final class Context {
    final List<TokenSessionCustomizer> customizers;
    final @Nullable MeterRegistry meters;
    final @Nullable ObservationRegistry observations;
    final BeanFactory beans;
    final @Nullable RedisStoreSource redis;

    Context(List<TokenSessionCustomizer> customizers, @Nullable MeterRegistry meters,
        @Nullable ObservationRegistry observations, BeanFactory beans, @Nullable RedisStoreSource redis) {
      this.customizers = customizers;
      this.meters = meters;
      this.observations = observations;
      this.beans = beans;
      this.redis = redis;
    }
  }

  private final Map<String, Entry> sessions;

  SilentRefreshSessions(SilentRefreshProperties properties, List<TokenSessionCustomizer> customizers,
      @Nullable MeterRegistry meters, @Nullable ObservationRegistry observations, BeanFactory beans,
      @Nullable RedisStoreSource redis) {
    check(properties);
    Context context = new Context(customizers, meters, observations, beans, redis);
    Map<String, Entry> built = new LinkedHashMap<>();
    properties.getSessions().forEach((name, session) -> built.put(name, build(name, plan(name, session), context)));
    this.sessions = Collections.unmodifiableMap(built);
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
    checkRedis(properties);
  }

  /**
   * The session called {@code name}.
   *
   * @throws IllegalArgumentException there is none (the message lists the names there are), or it is per user
   */
  public TokenSession get(String name) {
    Entry e = entry(name);
    if (e.session == null) {
      throw new IllegalArgumentException("Silent Refresh session '" + name + "' is per user: use perUser(\"" + name
          + "\").get(userKey)");
    }
    return e.session;
  }

  /**
   * The per-user sessions called {@code name} ({@code per-user: true}): one {@link TokenSession} per user key.
   *
   * @throws IllegalArgumentException there is none (the message lists the names there are), or it is not per user
   */
  public TokenSessions perUser(String name) {
    Entry e = entry(name);
    if (e.perUser == null) {
      throw new IllegalArgumentException("Silent Refresh session '" + name + "' is one shared session, not per user:"
          + " use get(\"" + name + "\")");
    }
    return e.perUser;
  }

  /** The sessions' names (shared and per user), in the order of the configuration. */
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
    return e.perUser != null ? RestRefreshInterceptor.install(builder, e.requestFactory, e.perUser)
        : RestRefreshInterceptor.install(builder, e.requestFactory, e.session);
  }

  /** Sets the session's request factory on {@code template} and adds its interceptor after the ones it has. */
  public RestTemplate install(String name, RestTemplate template) {
    Entry e = entry(name);
    template.setRequestFactory(e.requestFactory);
    return e.perUser != null ? RestRefreshInterceptor.install(template, e.perUser)
        : RestRefreshInterceptor.install(template, e.session);
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
    final @Nullable PropertyLogin login;

    Plan(String prefix, Session properties, Dialect dialect, Duration connectTimeout, Duration readTimeout,
        @Nullable PropertyLogin login) {
      this.prefix = prefix;
      this.properties = properties;
      this.dialect = dialect;
      this.connectTimeout = connectTimeout;
      this.readTimeout = readTimeout;
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
    checkStore(p, s);
    Plan plan = new Plan(p, s, dialect, positive(p + "connect-timeout", s.getConnectTimeout()),
        positive(p + "read-timeout", s.getReadTimeout()), PropertyLogin.of(p, s, dialect));
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
    if (s.isPerUser()) checkPerUser(p, s);
    return plan;
  }

  private static void checkPerUser(String p, Session s) {
    if (s.getLogin().getGrant() != SilentRefreshProperties.Grant.NONE || s.getLogin().getHandler() != null) {
      throw new InvalidSessionPropertyException(p + (s.getLogin().getHandler() != null ? "login.handler" : "login.grant"),
          "is set, but per-user sessions are signed in by the application, each with its user's tokens"
              + " (perUser(name).get(user).signIn(tokens)); remove it or set per-user: false");
    }
    if (s.getMaxSessions() < 1) {
      throw new InvalidSessionPropertyException(p + "max-sessions", "must be at least 1, not " + s.getMaxSessions());
    }
    positive(p + "idle-timeout", s.getIdleTimeout());
  }

  private static Entry build(String name, Plan plan, Context context) {
    Session s = plan.properties;
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(plan.connectTimeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
    JdkClientHttpRequestFactory factory = RestRefreshInterceptor.requestFactory(http);
    factory.setReadTimeout(plan.readTimeout);
    RestRefreshTransport transport = RestRefreshTransport.of(factory);
    Function<String, TokenStore> stores = stores(plan, context.redis);
    SessionStatus status = new SessionStatus();
    if (s.isPerUser()) {
      TokenSessions perUser = TokenSessions.builder(user -> {
        TokenSession.Builder b = builder(name, plan, transport, context).store(stores.apply(user));
        if (context.meters != null) b.listener(SessionMetrics.of(context.meters, name));
        for (TokenSessionCustomizer c : context.customizers) c.customize(name, user, b);
        return b.build();
      }).maximumSize(s.getMaxSessions()).idleTimeout(s.getIdleTimeout()).build();
      if (context.meters != null) {
        Gauge.builder(SESSIONS_GAUGE, perUser, TokenSessions::size).description("users' sessions held in memory")
            .tag("session", name).register(context.meters);
      }
      return new Entry(name, null, perUser, plan.dialect, factory, plan.connectTimeout, plan.readTimeout, status);
    }
    TokenSession.Builder b = builder(name, plan, transport, context).store(stores.apply(null)).listener(status);
    if (plan.login != null) b.loginHandler(plan.login.through(transport));
    else if (s.getLogin().getHandler() != null) {
      b.loginHandler(loginBean(plan.prefix + "login.handler", s.getLogin().getHandler(), context.beans));
    }
    SessionMetrics metrics = context.meters == null ? null : SessionMetrics.of(context.meters, name);
    if (metrics != null) b.listener(metrics);
    for (TokenSessionCustomizer c : context.customizers) c.customize(name, b);
    TokenSession session = b.build();
    if (metrics != null) metrics.watch(session);
    return new Entry(name, session, null, plan.dialect, factory, plan.connectTimeout, plan.readTimeout, status);
  }

  /** Name of the gauge of how many users' sessions a per-user registry holds. */
  static final String SESSIONS_GAUGE = "silentrefresh.sessions";

  /** A builder with the session's properties and observations applied; the store, login and meters come after. */
  private static TokenSession.Builder builder(String name, Plan plan, RestRefreshTransport transport, Context context) {
    Session s = plan.properties;
    TokenSession.Builder b = TokenSession.builder(plan.dialect, transport)
        .blockingMargin(s.getBlockingMargin())
        .refreshAhead(s.getRefreshAhead())
        .refreshTimeout(s.getRefreshTimeout())
        .loginTimeout(s.getLoginTimeout())
        .retry(s.getRetry().getMaxAttempts(), s.getRetry().getInitialBackoff(), s.getRetry().getMaxBackoff());
    if (!plan.scope.isEmpty()) b.scope(plan.scope.toArray(new URI[0]));
    if (s.getRefreshDeadline() != null) b.refreshDeadline(s.getRefreshDeadline());
    if (context.observations != null && !context.observations.isNoop()) {
      b.listener(SessionObservations.of(context.observations, name));
    }
    return b;
  }

  /** Checks a session's store properties (what can be checked before any bean exists). */
  private static void checkStore(String p, Session s) {
    SilentRefreshProperties.Store store = s.getStore();
    if (store.getType() != SilentRefreshProperties.StoreType.FILE && store.getPath() != null) {
      throw new InvalidSessionPropertyException(p + "store.path", "is set, but store.type is "
          + store.getType().name().toLowerCase(java.util.Locale.ROOT) + "; set store.type: file");
    }
    if (store.getType() != SilentRefreshProperties.StoreType.REDIS && store.getSession() != null) {
      throw new InvalidSessionPropertyException(p + "store.session", "is set, but store.type is "
          + store.getType().name().toLowerCase(java.util.Locale.ROOT) + "; set store.type: redis");
    }
    switch (store.getType()) {
      case FILE:
        Path path = store.getPath();
        if (path == null || path.toString().isBlank()) {
          throw new InvalidSessionPropertyException(p + "store.path", "is required with store.type file");
        }
        if (Files.isDirectory(path)) {
          throw new InvalidSessionPropertyException(p + "store.path", "is a directory (" + path + "); name a file in it");
        }
        if (s.isPerUser()) {
          throw new InvalidSessionPropertyException(p + "store.type", "is file, which holds one session; per-user"
              + " sessions are kept in memory or redis");
        }
        break;
      case REDIS:
        String session = store.getSession();
        if (session != null && (session.isEmpty() || session.length() > 200 || session.chars().anyMatch(Character::isISOControl))) {
          throw new InvalidSessionPropertyException(p + "store.session", "must be 1 to 200 characters without control"
              + " characters");
        }
        if (!ClassUtils.isPresent("dev.silentrefresh.redis.RedisTokenStores", SilentRefreshSessions.class.getClassLoader())) {
          throw new InvalidSessionPropertyException(p + "store.type", "is redis, which needs"
              + " dev.silentrefresh:silent-refresh-redis on the classpath");
        }
        if (!ClassUtils.isPresent(LETTUCE_FACTORY, SilentRefreshSessions.class.getClassLoader())) {
          throw new InvalidSessionPropertyException(p + "store.type", "is redis, which uses the application's Redis"
              + " connection: add spring-boot-starter-data-redis (with its Lettuce client) and spring.data.redis.*");
        }
        break;
      case MEMORY:
      default:
        break;
    }
  }

  static final String LETTUCE_FACTORY = "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory";

  /** The store of the shared session (key null) or of a user's session (key the user's). */
  private static Function<String, TokenStore> stores(Plan plan, @Nullable RedisStoreSource redis) {
    Session s = plan.properties;
    switch (s.getStore().getType()) {
      case FILE:
        TokenStore file = TokenStore.file(s.getStore().getPath());
        return user -> file;
      case REDIS:
        if (redis == null) {
          throw new InvalidSessionPropertyException(plan.prefix + "store.type", "is redis, but the application has no"
              + " Lettuce Redis connection factory (a LettuceConnectionFactory bean, which spring-boot-starter-data-redis"
              + " makes from spring.data.redis.*; Jedis is not supported)");
        }
        String name = s.getStore().getSession() != null ? s.getStore().getSession()
            : plan.prefix.substring(PREFIX.length(), plan.prefix.length() - 1);
        return user -> redis.forSession(user == null ? name : name + ":" + user);
      case MEMORY:
      default:
        return user -> TokenStore.inMemory();
    }
  }

  /** Checks {@code silent-refresh.redis.*} (whether or not a session uses Redis: a typo should not wait). */
  private static void checkRedis(SilentRefreshProperties properties) {
    SilentRefreshProperties.Redis r = properties.getRedis();
    String p = "silent-refresh.redis.";
    if (r.getKeyPrefix() == null || r.getKeyPrefix().contains("{") || r.getKeyPrefix().contains("}")) {
      throw new InvalidSessionPropertyException(p + "key-prefix", "must not contain braces (they make the hash tag)");
    }
    if (r.getLease() == null || r.getLease().toMillis() < 100) {
      throw new InvalidSessionPropertyException(p + "lease", "must be at least 100ms, not " + show(r.getLease()));
    }
    positive(p + "command-timeout", r.getCommandTimeout());
    if (r.getEncryptionKey() != null) encryptionKey(r.getEncryptionKey());
  }

  /**
   * The AES key of {@code silent-refresh.redis.encryption-key}.
   *
   * @throws InvalidSessionPropertyException not Base64 of 16, 24 or 32 bytes (the message shows no part of it)
   */
  static SecretKey encryptionKey(String base64) {
    String p = "silent-refresh.redis.encryption-key";
    byte[] key;
    try {
      key = Base64.getDecoder().decode(base64.strip());
    } catch (IllegalArgumentException e) {
      throw new InvalidSessionPropertyException(p, "is not Base64 (e.g. the output of: openssl rand -base64 32)");
    }
    if (key.length != 16 && key.length != 24 && key.length != 32) {
      throw new InvalidSessionPropertyException(p, "must be an AES key of 16, 24 or 32 bytes in Base64, not "
          + key.length + " bytes (e.g. the output of: openssl rand -base64 32)");
    }
    return new SecretKeySpec(key, "AES");
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
