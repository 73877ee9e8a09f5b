package dev.silentrefresh.boot;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Checks the {@code silent-refresh.*} properties as soon as the configuration is read, before any bean is
 * made: a wrong one stops start-up with Spring Boot's report naming it, and nothing else. (The session beans
 * check again as they are built, for contexts started without {@code SpringApplication}.)
 */
final class SessionPropertiesCheck implements EnvironmentPostProcessor, Ordered {
  @Override
  public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
    Binder.get(environment).bind("silent-refresh", SilentRefreshProperties.class)
        .ifBound(SilentRefreshSessions::check);
  }

  @Override
  public int getOrder() {
    return Ordered.LOWEST_PRECEDENCE; // after the configuration files are read
  }
}
