package dev.silentrefresh.testkit;

import static dev.silentrefresh.testkit.Wire.enc;
import static dev.silentrefresh.testkit.Wire.json;
import static dev.silentrefresh.testkit.Wire.postForm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.Dialect;
import dev.silentrefresh.RefreshFailedException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.spi.SessionCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The core library's confidential-client dialects ({@link Dialect#oauth2ClientSecretBasic},
 * {@link Dialect#oauth2ClientSecretPost}) refresh against a confidential {@link Profile#OAUTH2} server: a
 * {@link TokenSession} builds the refresh call exactly as it would in production and a minimal
 * {@code java.net.http} transport (the testkit has no adapter dependency) sends it over loopback. Refreshes are
 * forced with {@link SessionCalls#refreshAfterRejection}, so nothing waits on the clock.
 */
class ConfidentialClientDialectTest {
  /** Characters that form-encoding changes ({@code +}, space, {@code :}, {@code &}, {@code =}, non-ASCII). */
  private static final String SECRET = "p+ss w:rd&=ü";
  private static final String CLIENT_ID = "svc:reporting";

  enum ClientAuth {
    BASIC(s -> Dialect.oauth2ClientSecretBasic(s.refreshUri(), s.clientId(), s.clientSecret())),
    POST(s -> Dialect.oauth2ClientSecretPost(s.refreshUri(), s.clientId(), s.clientSecret())),
    SERVER_DIALECT(AuthServer::dialect);

    final Function<AuthServer, Dialect> dialect;

    ClientAuth(Function<AuthServer, Dialect> dialect) {
      this.dialect = dialect;
    }
  }

  private final AuthServer server = AuthServer.builder(Profile.OAUTH2).clientId(CLIENT_ID).clientSecret(SECRET).start();

  @AfterEach
  void close() {
    server.close();
  }

  /** Sends core's {@link dev.silentrefresh.spi.RefreshRequest} as it is: method, URI, headers, body. */
  private static final RefreshTransport JDK = request -> {
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri()).timeout(request.timeout());
    request.headers().forEach(b::header);
    byte[] body = request.body();
    b.method(request.method(), body == null ? BodyPublishers.noBody() : BodyPublishers.ofByteArray(body));
    return Wire.HTTP.sendAsync(b.build(), BodyHandlers.ofByteArray())
        .thenApply(r -> RefreshReply.of(r.statusCode(), r.headers().map(), r.body()));
  };

  private static TokenSession session(Dialect dialect) {
    return TokenSession.builder(dialect, JDK).retry(1, Duration.ZERO, Duration.ZERO).build();
  }

  /** A client_credentials login by hand, with the Basic header as RFC 6749 §2.3.1 (and core) builds it. */
  private byte[] clientCredentialsLogin() {
    String pair = enc(server.clientId()) + ":" + enc(SECRET);
    HttpResponse<String> login = Wire.send(postForm(server.loginUri(), "grant_type=client_credentials")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8))));
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    return login.body().getBytes(StandardCharsets.UTF_8);
  }

  private static Tokens refresh(TokenSession session, Tokens sent) throws Exception {
    return SessionCalls.of(session).refreshAfterRejection(sent).get(20, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @EnumSource(ClientAuth.class)
  void coreDialectRefreshesAndRotates(ClientAuth auth) throws Exception {
    TokenSession session = session(auth.dialect.apply(server));
    Tokens signedIn = session.signInWithReply(clientCredentialsLogin());

    Tokens first = refresh(session, signedIn);
    assertThat(first.refreshToken()).isNotNull().isNotEqualTo(signedIn.refreshToken());
    assertThat(first.accessToken()).isNotEqualTo(signedIn.accessToken());
    Tokens second = refresh(session, first);
    assertThat(second.refreshToken()).isNotNull().isNotEqualTo(first.refreshToken());

    assertThat(server.counters().loginCalls()).isEqualTo(1);
    assertThat(server.counters().refreshSucceeded()).isEqualTo(2);
    assertThat(server.counters().refreshRejected()).isZero();

    HttpResponse<String> me = Wire.me(server, second.accessToken());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(json(me).get("username").asText()).isEqualTo(CLIENT_ID); // the service account is the client

    // the rotated-away token is dead (reuse detection), which also revokes the family
    assertThat(Wire.send(postForm(server.refreshUri(), "grant_type=refresh_token&refresh_token="
        + enc(signedIn.refreshToken()) + "&client_id=" + enc(CLIENT_ID) + "&client_secret=" + enc(SECRET)))
        .statusCode()).isEqualTo(400);
  }

  @Test
  void aWrongSecretOrNoSecretFailsTheRefreshWithInvalidClient() throws Exception {
    for (Dialect wrong : new Dialect[] {
        Dialect.oauth2ClientSecretBasic(server.refreshUri(), CLIENT_ID, SECRET + "x"),
        Dialect.oauth2ClientSecretPost(server.refreshUri(), CLIENT_ID, "nope"),
        Dialect.oauth2(server.refreshUri(), CLIENT_ID)}) {
      TokenSession session = session(wrong);
      Tokens signedIn = session.signInWithReply(clientCredentialsLogin());
      Throwable thrown = catchThrowable(() -> refresh(session, signedIn));
      assertThat(thrown).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RefreshFailedException.class);
      RefreshFailedException failure = (RefreshFailedException) thrown.getCause();
      assertThat(failure.status()).isEqualTo(401);
      assertThat(failure.reason()).isEqualTo(RefreshFailedException.Reason.UNEXPECTED_STATUS);
      assertThat(String.valueOf(failure.getMessage())).doesNotContain(SECRET);
      assertThat(session.isSignedIn()).as("a refused client is not a dead refresh token").isTrue();
    }
    assertThat(server.counters().refreshSucceeded()).isZero();
    assertThat(server.counters().refreshRejected()).isZero(); // refused before the token was looked at
  }

  @Test
  void basicCredentialsMustBeFormEncodedBeforeBase64() {
    // RFC 6749 §2.3.1: the raw pair would put a '+' (read as a space) and a second ':' into the credential
    String raw = CLIENT_ID + ":" + SECRET;
    HttpResponse<String> refused = Wire.send(postForm(server.loginUri(), "grant_type=client_credentials")
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8))));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(json(refused).get("error").asText()).isEqualTo("invalid_client");
    assertThat(refused.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"silent-refresh\"");
    clientCredentialsLogin(); // the encoded pair is accepted
  }

  @Test
  void aPublicServerStillHandsOutThePublicDialect() throws Exception {
    try (AuthServer open = AuthServer.builder(Profile.OAUTH2).start()) {
      TokenSession session = session(open.dialect());
      Tokens signedIn = session.signInWithReply(Wire.login(open).body().getBytes(StandardCharsets.UTF_8));
      assertThat(refresh(session, signedIn).refreshToken()).isNotEqualTo(signedIn.refreshToken());
      assertThat(open.counters().refreshSucceeded()).isEqualTo(1);
    }
  }
}
