package dev.silentrefresh.boot;

import dev.silentrefresh.TokenSession;
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
 * {@code <name>TokenSession} and qualified by {@code <name>}; each is made by {@link SilentRefreshSessions#get}.
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
    for (String name : properties.getSessions().keySet()) {
      String beanName = name + "TokenSession";
      if (registry.containsBeanDefinition(beanName)) continue;
      RootBeanDefinition definition = new RootBeanDefinition();
      definition.setTargetType(TokenSession.class);
      definition.setFactoryBeanName("silentRefreshSessions");
      definition.setUniqueFactoryMethodName("get");
      definition.getConstructorArgumentValues().addIndexedArgumentValue(0, name);
      definition.addQualifier(new AutowireCandidateQualifier(Qualifier.class, name));
      registry.registerBeanDefinition(beanName, definition);
    }
  }
}
