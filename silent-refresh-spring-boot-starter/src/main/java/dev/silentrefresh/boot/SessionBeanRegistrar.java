package dev.silentrefresh.boot;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import org.springframework.beans.factory.support.AutowireCandidateQualifier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * Registers a {@link TokenSession} bean per name under {@code silent-refresh.sessions}, named
 * {@code <name>TokenSession} and qualified by {@code <name>}, made by {@link SilentRefreshSessions#get}; for a
 * per-user session a {@link TokenSessions} bean named {@code <name>TokenSessions}, made by
 * {@link SilentRefreshSessions#perUser}.
 */
final class SessionBeanRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {
  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
    SilentRefreshProperties properties = Binder.get(environment)
        .bindOrCreate("silent-refresh", SilentRefreshProperties.class);
    properties.getSessions().forEach((name, session) -> {
      boolean perUser = session.isPerUser();
      String beanName = name + (perUser ? "TokenSessions" : "TokenSession");
      if (registry.containsBeanDefinition(beanName)) return;
      RootBeanDefinition definition = new RootBeanDefinition();
      definition.setTargetType(perUser ? TokenSessions.class : TokenSession.class);
      definition.setFactoryBeanName("silentRefreshSessions");
      definition.setUniqueFactoryMethodName(perUser ? "perUser" : "get");
      definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
      definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
      registry.registerBeanDefinition(beanName, definition);
    });
  }
}
