package dev.silentrefresh.boot;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.restclient.RestTemplateCustomizer;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Silent Refresh for Spring Boot: a {@link dev.silentrefresh.TokenSession} bean per name under
 * {@code silent-refresh.sessions}, installed on the auto-configured {@code RestClient.Builder},
 * {@code RestTemplateBuilder} and {@code WebClient.Builder} named by {@code silent-refresh.clients.*}; meters
 * ({@code SessionMetrics}) when a Micrometer {@code MeterRegistry} is there (Actuator), an observation per
 * refresh ({@code SessionObservations}) when an {@code ObservationRegistry} is, and a {@code silentRefresh}
 * health contributor with one indicator per session. Sessions with {@code store.type: redis} use the application's
 * Lettuce connection factory ({@link SilentRefreshRedis}).
 *
 * <p>Where in the chain: the customizers run last (lowest precedence), so the session's interceptor or filter
 * comes after those that other customizers added: what they set is replayed after a refresh. Interceptors your
 * code adds to the builder afterwards come after it (see {@code RestRefreshInterceptor}).
 */
@AutoConfiguration(afterName = "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration")
@EnableConfigurationProperties(SilentRefreshProperties.class)
@Import(SessionBeanRegistrar.class)
public class SilentRefreshAutoConfiguration {

  @Bean
  SilentRefreshSessions silentRefreshSessions(SilentRefreshProperties properties,
      ObjectProvider<TokenSessionCustomizer> customizers, ObjectProvider<MeterRegistry> meters,
      ObjectProvider<ObservationRegistry> observations, BeanFactory beans, ObjectProvider<RedisStoreSource> redis) {
    return new SilentRefreshSessions(properties, customizers.orderedStream().collect(Collectors.toList()),
        meters.getIfUnique(), observations.getIfUnique(), beans, redis.getIfUnique());
  }

  /** Redis stores over the application's Lettuce connection factory (spring-boot-starter-data-redis). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.silentrefresh.redis.RedisTokenStores", SilentRefreshSessions.LETTUCE_FACTORY})
  static class Redis {
    @Bean
    @ConditionalOnBean(type = SilentRefreshSessions.LETTUCE_FACTORY)
    SilentRefreshRedis silentRefreshRedis(
        org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory factory,
        SilentRefreshProperties properties) {
      return new SilentRefreshRedis(factory, properties.getRedis());
    }
  }

  /** RestClient and RestTemplate builders (spring-boot-restclient). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(RestClientCustomizer.class)
  static class RestClients {
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    @ConditionalOnProperty(prefix = "silent-refresh.clients", name = "rest-client")
    RestClientCustomizer silentRefreshRestClientCustomizer(SilentRefreshSessions sessions, SilentRefreshProperties properties) {
      String name = properties.getClients().getRestClient();
      return builder -> sessions.install(name, builder);
    }

    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    @ConditionalOnProperty(prefix = "silent-refresh.clients", name = "rest-template")
    RestTemplateCustomizer silentRefreshRestTemplateCustomizer(SilentRefreshSessions sessions, SilentRefreshProperties properties) {
      String name = properties.getClients().getRestTemplate();
      return template -> sessions.install(name, template);
    }
  }

  /** WebClient builders (spring-boot-webclient with Reactor Netty). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({WebClient.class, reactor.netty.http.client.HttpClient.class})
  static class WebClients {
    @Bean
    SilentRefreshWebClients silentRefreshWebClients(SilentRefreshSessions sessions) {
      return new SilentRefreshWebClients(sessions);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(WebClientCustomizer.class)
    static class Customizer {
      @Bean
      @Order(Ordered.LOWEST_PRECEDENCE)
      @ConditionalOnProperty(prefix = "silent-refresh.clients", name = "web-client")
      WebClientCustomizer silentRefreshWebClientCustomizer(SilentRefreshWebClients webClients, SilentRefreshProperties properties) {
        String name = properties.getClients().getWebClient();
        return builder -> webClients.install(name, builder);
      }
    }
  }

  /** Actuator health: {@code silentRefresh}, one indicator per session. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  @ConditionalOnEnabledHealthIndicator("silent-refresh")
  @Conditional(HasSessions.class)
  static class Health {
    @Bean
    HealthContributor silentRefreshHealthContributor(SilentRefreshSessions sessions) {
      Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
      for (String name : sessions.names()) indicators.put(name, new SessionHealthIndicator(sessions.entry(name)));
      return CompositeHealthContributor.fromMap(indicators);
    }
  }

  /** Matches when at least one session is configured. */
  static final class HasSessions extends SpringBootCondition {
    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
      boolean any = Binder.get(context.getEnvironment())
          .bind("silent-refresh.sessions", Bindable.mapOf(String.class, SilentRefreshProperties.Session.class))
          .map(sessions -> !sessions.isEmpty()).orElse(false);
      return any ? ConditionOutcome.match("silent-refresh.sessions has sessions")
          : ConditionOutcome.noMatch("no session under silent-refresh.sessions");
    }
  }
}
