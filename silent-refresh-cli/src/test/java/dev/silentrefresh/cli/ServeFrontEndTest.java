package dev.silentrefresh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code serve}'s options for browser front ends and its banner, over real HTTP. */
class ServeFrontEndTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<Serving> started = new ArrayList<>();

  /** A {@code serve} running on its own thread, with what it printed. */
  private record Serving(ServeCommand command, StringWriter out, StringWriter err, CompletableFuture<Integer> exit) {
    String banner() {
      return out.toString();
    }
  }

  private Serving serve(String... options) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true), false);
    ServeCommand command = cl.getSubcommands().get("serve").getCommand();
    List<String> args = new ArrayList<>(List.of("serve", "--port", "0"));
    args.addAll(List.of(options));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(String[]::new)));
    Serving serving = new Serving(command, out, err, exit);
    started.add(serving);
    Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> exit.isDone() || out.toString().contains("Press Ctrl-C"));
    return serving;
  }

  @AfterEach
  void stop() throws Exception {
    for (Serving s : started) {
      s.command().stop.countDown();
      s.exit().get(60, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "put-bearer | no rotation (the put-bearer refresh reply carries only a new access token",
      "code-1002  | rotation on with reuse detection, grace 0 s",
      "oauth2     | rotation on with reuse detection, grace 0 s",
  })
  void theBannerSaysRotationOnlyWhereTheDialectRotates(String dialect, String rotation) {
    assertThat(serve("--dialect", dialect).banner()).contains(rotation);
  }

  @Test
  void putBearerNeverClaimsReuseDetection() {
    String banner = serve("--dialect", "put-bearer", "--rotation", "on").banner();
    assertThat(banner).doesNotContain("reuse detection").doesNotContain("rotation on");
    assertThat(serve("--dialect", "code-401", "--rotation", "off").banner()).contains("rotation off,")
        .doesNotContain("reuse detection");
  }

  @Test
  void code1002TakesTheClientCredentialGiven() throws Exception {
    Serving s = serve("--dialect", "code-1002", "--client-credential", "front-end-app-key");
    assertThat(s.banner()).contains("client credential: front-end-app-key").contains("\"authorization\":\"front-end-app-key\"");
    String refresh = s.command().server.issueTokens("demo").refreshToken();
    assertThat(renew(s, refresh, "demo-app-credential").statusCode()).isEqualTo(403);
    assertThat(renew(s, refresh, "front-end-app-key").statusCode()).isEqualTo(200);
  }

  @Test
  void corsOriginsAreAllowedBesideLoopback() throws Exception {
    Serving s = serve("--dialect", "code-1002", "--cors-origin", "https://app.example.test", "--cors-origin",
        "https://admin.example.test:8443");
    assertThat(s.banner()).contains("CORS: pages on loopback origins and https://app.example.test, "
        + "https://admin.example.test:8443 may call it, with credentials");
    for (String allowed : List.of("https://app.example.test", "https://admin.example.test:8443", "http://localhost:5173")) {
      HttpResponse<String> login = loginFrom(s, allowed);
      assertThat(login.headers().firstValue("Access-Control-Allow-Origin")).hasValue(allowed);
      assertThat(login.headers().firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    }
    assertThat(loginFrom(s, "https://other.example.test").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--dialect oauth2 --client-credential x        | --client-credential needs --dialect code-1002",
      "--dialect code-1002 --client-credential=      | --client-credential needs --dialect code-1002 and a non-empty value",
      "--dialect code-401 --cors-origin app.example  | --cors-origin: a CORS origin is * or scheme://host[:port]",
      "--dialect code-401 --cors-origin https://a.test/x | not 'https://a.test/x'",
  })
  void badValuesAreUsageErrors(String options, String message) {
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("serve"));
    args.addAll(List.of(options.trim().split(" +")));
    int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), false,
        args.toArray(String[]::new));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }

  private static HttpResponse<String> renew(Serving s, String refresh, String credential) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(s.command().server.refreshUri()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"refreshToken\":\"" + refresh + "\",\"authorization\":\""
            + credential + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> loginFrom(Serving s, String origin) throws Exception {
    URI login = s.command().server.loginUri();
    return HTTP.send(HttpRequest.newBuilder(login).header("Content-Type", "application/json").header("Origin", origin)
        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"demo\",\"password\":\"demo-password\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
