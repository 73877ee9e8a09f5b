package dev.silentrefresh.testkit;

import java.util.Objects;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension running one {@link AuthServer} for a test class: started before all tests, closed after
 * all, {@link AuthServer#reset()} before each test; test and lifecycle methods may declare an
 * {@code AuthServer} parameter.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final AuthServerExtension AUTH = AuthServerExtension.of(Profile.OAUTH2, b -> b.accessTtl(Duration.ofSeconds(30)));
 * }</pre>
 *
 * Register it on a {@code static} field. On an instance field JUnit skips the class-level callbacks; the
 * server is then started before each test and closed when that test ends (JUnit closes it with the test's
 * extension store).
 */
public final class AuthServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(AuthServerExtension.class);

  private final Profile profile;
  private final Consumer<AuthServer.Builder> customizer;
  private AuthServer server;
  private int classDepth; // @Nested classes call beforeAll/afterAll again

  private AuthServerExtension(Profile profile, Consumer<AuthServer.Builder> customizer) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.customizer = Objects.requireNonNull(customizer, "customizer");
  }

  /** An extension running a default server for {@code profile}. */
  public static AuthServerExtension of(Profile profile) {
    return new AuthServerExtension(profile, b -> { });
  }

  /** An extension running a server for {@code profile} configured by {@code customizer}. */
  public static AuthServerExtension of(Profile profile, Consumer<AuthServer.Builder> customizer) {
    return new AuthServerExtension(profile, customizer);
  }

  /**
   * The running server.
   *
   * @throws IllegalStateException outside the tests' lifecycle
   */
  public synchronized AuthServer server() {
    if (server == null) {
      throw new IllegalStateException("the " + profile.id() + " auth server is not running (register "
          + "AuthServerExtension with @RegisterExtension and use it from the tests)");
    }
    return server;
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (classDepth++ == 0) {
      server = startServer();
    }
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (classDepth > 0 && --classDepth == 0 && server != null) {
      server.close();
      server = null;
    }
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (server == null) { // registered on an instance field: this test owns the server
      AuthServer owned = startServer();
      server = owned;
      context.getStore(NAMESPACE).put(AuthServer.class, (AutoCloseable) () -> closeOwned(owned));
      return;
    }
    server.reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return parameterContext.getParameter().getType() == AuthServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
    return server();
  }

  private synchronized void closeOwned(AuthServer owned) {
    owned.close();
    if (server == owned) {
      server = null;
    }
  }

  private AuthServer startServer() {
    AuthServer.Builder builder = AuthServer.builder(profile);
    customizer.accept(builder);
    return builder.start();
  }
}
