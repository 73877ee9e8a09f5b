package dev.silentrefresh.bench;

import static org.springframework.security.oauth2.client.web.client.RequestAttributeClientRegistrationIdResolver.clientRegistrationId;
import static org.springframework.security.oauth2.client.web.client.RequestAttributePrincipalResolver.principal;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.IssuedTokens;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.SpringSecurityCoreVersion;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProviderBuilder;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.client.OAuth2ClientHttpRequestInterceptor;
import org.springframework.security.oauth2.client.web.client.RequestAttributePrincipalResolver;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.web.client.RestClient;

/**
 * Spring Security's OAuth2 client on {@code RestClient}, as its reference documentation wires it outside a web
 * request: an {@code AuthorizedClientServiceOAuth2AuthorizedClientManager} with the refresh-token provider, an
 * {@link OAuth2ClientHttpRequestInterceptor} on the client, and each request naming its registration and principal
 * in attributes. The authorized client (the tokens) is saved in the in-memory service at sign-in. The same class runs
 * on the Spring Security 7 line (the bench's class path) and the 6.5 line (a child JVM on Spring 6.2); its name says
 * which it found.
 */
final class SpringSecurityPeer implements Peer {
  static final String REGISTRATION = "bench";
  static final String USER = "bench-user";

  @Override
  public String name() {
    return "spring-security-" + SpringSecurityCoreVersion.getVersion().split("\\.")[0];
  }

  /** The version the class path holds, for the report. */
  static String version() {
    return SpringSecurityCoreVersion.getVersion();
  }

  @Override
  public Client signedIn(AuthServer server, IssuedTokens tokens, Instant expiresAt) {
    ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
        .clientId(server.clientId())
        .clientSecret(server.clientSecret())
        .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
        .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
        .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
        .authorizationUri(server.apiUri("/oauth/authorize").toString())
        .tokenUri(server.refreshUri().toString())
        .build();
    InMemoryClientRegistrationRepository registrations = new InMemoryClientRegistrationRepository(registration);
    InMemoryOAuth2AuthorizedClientService service = new InMemoryOAuth2AuthorizedClientService(registrations);
    OAuth2AccessToken access = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, tokens.accessToken(),
        expiresAt.minus(tokens.expiresIn()).minusSeconds(1), expiresAt);
    service.saveAuthorizedClient(new OAuth2AuthorizedClient(registration, USER, access,
            new OAuth2RefreshToken(tokens.refreshToken(), Instant.now())),
        UsernamePasswordAuthenticationToken.authenticated(USER, null, List.of()));
    AuthorizedClientServiceOAuth2AuthorizedClientManager manager =
        new AuthorizedClientServiceOAuth2AuthorizedClientManager(registrations, service);
    manager.setAuthorizedClientProvider(OAuth2AuthorizedClientProviderBuilder.builder().refreshToken().build());
    OAuth2ClientHttpRequestInterceptor interceptor = new OAuth2ClientHttpRequestInterceptor(manager);
    interceptor.setPrincipalResolver(new RequestAttributePrincipalResolver());
    RestClient client = RestClient.builder().requestFactory(factory()).requestInterceptor(interceptor).build();
    return uri -> client.get().uri(uri).attributes(clientRegistrationId(REGISTRATION)).attributes(principal(USER))
        .exchange((request, response) -> {
          response.getBody().readAllBytes();
          return response.getStatusCode().value();
        });
  }

  @Override
  public Client raw(AuthServer server, String accessToken) {
    RestClient client = RestClient.builder().requestFactory(factory()).build();
    return uri -> client.get().uri(uri).header("Authorization", "Bearer " + accessToken)
        .exchange((request, response) -> {
          response.getBody().readAllBytes();
          return response.getStatusCode().value();
        });
  }

  private static JdkClientHttpRequestFactory factory() {
    return new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
  }
}
