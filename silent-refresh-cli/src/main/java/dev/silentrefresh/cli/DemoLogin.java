package dev.silentrefresh.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.silentrefresh.LoginHandler;
import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.testkit.AuthServer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Signs the demo user in over HTTP at the reference server's login endpoint, as an app's login screen
 * would, and reads the reply with the session's dialect. Also the login handler that signs in again
 * when the session ends.
 */
final class DemoLogin implements LoginHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AuthServer server;
  private final HttpClient http;
  private final Consumer<Tokens> onLogin;

  DemoLogin(AuthServer server, HttpClient http, Consumer<Tokens> onLogin) {
    this.server = server;
    this.http = http;
    this.onLogin = onLogin;
  }

  /** Signs {@code session} in (the first login). */
  Tokens signIn(TokenSession session) throws IOException {
    Tokens tokens = session.signInWithReply(post());
    onLogin.accept(tokens);
    return tokens;
  }

  /** Signs in and returns the tokens, for sessions elsewhere (the fleet's processes read them from Redis). */
  Tokens tokens() throws IOException {
    Tokens tokens = server.dialect().readTokens(post(), java.time.Instant.now());
    onLogin.accept(tokens);
    return tokens;
  }

  @Override
  public CompletionStage<Tokens> login(LoginRequiredException reason) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Tokens tokens = server.dialect().readTokens(post(), java.time.Instant.now());
        onLogin.accept(tokens);
        return tokens;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  private byte[] post() throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.loginUri()).timeout(Duration.ofSeconds(10));
    switch (server.profile()) {
      case OAUTH2:
        b.header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=password"
                + "&username=" + URLEncoder.encode(server.username(), StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(server.password(), StandardCharsets.UTF_8)
                + "&client_id=" + URLEncoder.encode(server.clientId(), StandardCharsets.UTF_8)));
        break;
      default:
        ObjectNode credentials = JSON.createObjectNode().put("username", server.username()).put("password", server.password());
        b.header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(credentials)));
    }
    try {
      HttpResponse<byte[]> reply = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (reply.statusCode() != 200) {
        throw new IOException("login at " + server.loginUri().getPath() + " answered HTTP " + reply.statusCode());
      }
      return reply.body();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted during login");
    }
  }
}
