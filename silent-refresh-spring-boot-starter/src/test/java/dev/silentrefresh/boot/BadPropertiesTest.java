package dev.silentrefresh.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * A wrong property stops start-up with one message that names it and says what is wrong, never a secret: the
 * exception, and Spring Boot's "APPLICATION FAILED TO START" report.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadPropertiesTest {
  private static final String SECRET = "s3cr3t-never-shown";
  private static final String S = "silent-refresh.sessions.api.";

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class App {}

  /** A valid session, then {@code overrides} (key=value; a value of "-" removes the key). */
  private static String[] session(String... overrides) {
    List<String> p = new ArrayList<>(List.of(
        S + "dialect=oauth2",
        S + "refresh-url=https://auth.example.com/oauth/token",
        S + "client-id=app",
        S + "client-secret=" + SECRET,
        S + "login.grant=password",
        S + "login.username=svc",
        S + "login.password=" + SECRET));
    for (String o : overrides) {
      String key = o.substring(0, o.indexOf('='));
      p.removeIf(e -> e.startsWith(key + "="));
      if (!o.endsWith("=-")) p.add(o);
    }
    p.add("spring.main.banner-mode=off");
    return p.toArray(new String[0]);
  }

  static Stream<Arguments> badProperties() {
    return Stream.of(
        Arguments.of(S + "dialect", "unknown dialect 'oauth3'", new String[] {S + "dialect=oauth3"}),
        Arguments.of(S + "refresh-url", "absolute http or https URL", new String[] {S + "refresh-url=auth.example.com/token"}),
        Arguments.of(S + "refresh-url", "is required", new String[] {S + "refresh-url=-"}),
        Arguments.of(S + "refresh-timeout", "must be a positive duration, e.g. 10s, not -5s", new String[] {S + "refresh-timeout=-5s"}),
        Arguments.of(S + "blocking-margin", "zero or a positive", new String[] {S + "blocking-margin=-1ms"}),
        Arguments.of(S + "retry.max-attempts", "at least 1", new String[] {S + "retry.max-attempts=0"}),
        Arguments.of("silent-refresh.clients.rest-client", "names session 'github', but the sessions are api",
            new String[] {"silent-refresh.clients.rest-client=github"}),
        Arguments.of(S + "custom.access-token-rejected[0].body-pointer", "JSON pointer",
            new String[] {S + "custom.access-token-rejected[0].body-pointer=code",
                S + "custom.access-token-rejected[0].body-values=50014"}),
        Arguments.of(S + "custom.reply.access-token", "JSON pointer", new String[] {S + "custom.reply.access-token=data.token"}),
        Arguments.of(S + "custom.access-token-rejected[0].status", "not an HTTP status",
            new String[] {S + "custom.access-token-rejected[0].status=999"}),
        Arguments.of(S + "custom.access-token-rejected[0].body-values", "required with body-pointer",
            new String[] {S + "custom.access-token-rejected[0].body-pointer=/code"}),
        Arguments.of(S + "custom", "no accessTokenAt", new String[] {S + "dialect=custom",
            S + "custom.access-token-rejected[0].status=401", S + "custom.refresh-token-dead[0].status=401",
            S + "custom.refresh.headers.Authorization=Bearer {refreshToken}"}),
        Arguments.of(S + "custom.refresh.url", "absolute http or https URL", new String[] {S + "custom.refresh.url=/refresh/{refreshToken}"}),
        Arguments.of(S + "custom.refresh.method", "POST, PUT, PATCH or GET", new String[] {S + "custom.refresh.method=DELETE",
            S + "custom.refresh.url=https://auth.example.com/refresh"}),
        Arguments.of(S + "custom.refresh.url", "required when custom.refresh.method is set",
            new String[] {S + "custom.refresh.method=PUT"}),
        Arguments.of(S + "custom.refresh.body-format", "form or json", new String[] {S + "custom.refresh.body-format=xml",
            S + "custom.refresh.fields.a=b"}),
        Arguments.of(S + "custom.refresh.fields.refreshToken", "already FORM",
            new String[] {S + "custom.refresh.body-format=json", S + "custom.refresh.fields.refreshToken={refreshToken}"}),
        Arguments.of(S + "custom.token-header", "not a valid header name", new String[] {S + "custom.token-header=X Token"}),
        Arguments.of(S + "scope[0]", "without a path", new String[] {S + "scope=https://api.example.com/v1"}),
        Arguments.of(S + "scope[1]", "absolute http or https URL", new String[] {S + "scope=https://api.example.com,api.example.com"}),
        Arguments.of(S + "client-authentication", "client-secret is set", new String[] {S + "client-authentication=none"}),
        Arguments.of(S + "client-id", "required with client-secret-post",
            new String[] {S + "client-authentication=client-secret-post", S + "client-id=-"}),
        Arguments.of(S + "client-secret", "required with login.grant client-credentials",
            new String[] {S + "client-secret=-", S + "login.grant=client-credentials", S + "login.username=-", S + "login.password=-"}),
        Arguments.of(S + "login.password", "required with grant password", new String[] {S + "login.password=-"}),
        Arguments.of(S + "login.url", "required with grant request", new String[] {S + "login.grant=request"}),
        Arguments.of(S + "login.body-format", "json or form", new String[] {S + "login.grant=request",
            S + "login.url=https://auth.example.com/login", S + "login.body-format=xml"}),
        Arguments.of(S + "login.handler", "no bean named 'nobody'", new String[] {S + "login.grant=none",
            S + "login.username=-", S + "login.password=-", S + "login.handler=nobody"}),
        Arguments.of(S + "login.handler", "are both set", new String[] {S + "login.handler=someBean"}),
        Arguments.of(S + "store.path", "required with store.type file", new String[] {S + "store.type=file"}),
        Arguments.of(S + "store.path", "store.type is memory", new String[] {S + "store.path=/tmp/x.json"}),
        Arguments.of(S + "store.session", "set store.type: redis", new String[] {S + "store.session=shared"}),
        Arguments.of(S + "store.session", "1 to 200 characters", new String[] {S + "store.type=redis",
            S + "store.session=" + "x".repeat(201)}),
        Arguments.of(S + "login.grant", "per-user sessions are signed in by the application", new String[] {S + "per-user=true"}),
        Arguments.of(S + "login.handler", "per-user sessions are signed in by the application", new String[] {
            S + "per-user=true", S + "login.grant=none", S + "login.username=-", S + "login.password=-", S + "login.handler=x"}),
        Arguments.of(S + "store.type", "per-user sessions are kept in memory or redis", new String[] {S + "per-user=true",
            S + "login.grant=none", S + "login.username=-", S + "login.password=-", S + "store.type=file",
            S + "store.path=/tmp/tokens.json"}),
        Arguments.of(S + "max-sessions", "at least 1", new String[] {S + "per-user=true", S + "login.grant=none",
            S + "login.username=-", S + "login.password=-", S + "max-sessions=0"}),
        Arguments.of(S + "idle-timeout", "positive duration", new String[] {S + "per-user=true", S + "login.grant=none",
            S + "login.username=-", S + "login.password=-", S + "idle-timeout=0s"}),
        Arguments.of("silent-refresh.redis.encryption-key", "is not Base64", new String[] {
            "silent-refresh.redis.encryption-key=" + SECRET}),
        Arguments.of("silent-refresh.redis.encryption-key", "16, 24 or 32 bytes in Base64, not 10 bytes", new String[] {
            "silent-refresh.redis.encryption-key=" + java.util.Base64.getEncoder().encodeToString(new byte[10])}),
        Arguments.of("silent-refresh.redis.key-prefix", "braces", new String[] {"silent-refresh.redis.key-prefix=app:{x}:"}),
        Arguments.of("silent-refresh.redis.lease", "at least 100ms", new String[] {"silent-refresh.redis.lease=10ms"}),
        Arguments.of(S + "store.type", "no Lettuce Redis connection factory", new String[] {S + "store.type=redis",
            "spring.autoconfigure.exclude=org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"}),
        Arguments.of("silent-refresh.sessions", "may only have letters", new String[] {
            "silent-refresh.sessions[a.b].refresh-url=https://auth.example.com/t"}));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("badProperties")
  void aWrongPropertyStopsStartUpWithOneMessageNamingIt(String property, String problem, String[] overrides,
      CapturedOutput output) {
    Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE).properties(session(overrides)).run().close());

    InvalidSessionPropertyException cause = find(failure);
    assertThat(cause).as("cause of %s", failure).isNotNull();
    assertThat(cause.property()).isEqualTo(property);
    assertThat(cause.problem()).contains(problem);
    assertThat(output.getAll())
        .contains("APPLICATION FAILED TO START")
        .contains("Property '" + property + "' is wrong: ")
        .doesNotContain(SECRET);
    if (!problem.startsWith("no bean named") && !problem.contains("connection factory")) {
      // checked before any bean is made: the report alone
      assertThat(output.getAll()).doesNotContain("Error creating bean");
    }
    for (Throwable t = failure; t != null; t = t.getCause()) assertThat(String.valueOf(t.getMessage())).doesNotContain(SECRET);
  }

  @Test
  void aValueOfTheWrongTypeIsReportedByBootNamingTheProperty(CapturedOutput output) {
    Throwable failure = catchThrowable(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties(session(S + "refresh-timeout=soon")).run().close());
    assertThat(failure).isNotNull();
    assertThat(output.getAll()).contains("APPLICATION FAILED TO START").contains(S + "refresh-timeout")
        .doesNotContain(SECRET);
  }

  @Test
  void anApplicationWithTheStarterAndNoSessionsStarts() {
    try (var context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
        .properties("spring.main.banner-mode=off").run()) {
      assertThat(context.getBean(SilentRefreshSessions.class).names()).isEmpty();
      assertThat(context.getBeanNamesForType(dev.silentrefresh.TokenSession.class)).isEmpty();
      assertThat(context.containsBean("silentRefreshHealthContributor")).isFalse();
    }
  }

  @Test
  void theValidSessionStarts() {
    new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(session()).run().close();
  }

  private static InvalidSessionPropertyException find(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof InvalidSessionPropertyException) return (InvalidSessionPropertyException) t;
    }
    return null;
  }
}
