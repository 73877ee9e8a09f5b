package dev.silentrefresh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code serve --fault/--latency/--fault-hold}: the server starts with them, says so, and bad values are usage errors. */
class ServeFaultsTest {

  @Test
  void faultsAndLatencyFromFlagsAreInjectedAndShownAndTheAdminEndpointIsNamed() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), false);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--dialect", "oauth2",
        "--port", "0", "--fault", "refresh=too_many_requests:x2", "--fault", "api=server_error:0",
        "--fault", "login=no-answer", "--latency", "refresh=250", "--fault-hold", "1500"));
    org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> out.toString().contains("Press Ctrl-C"));
    try {
      String text = out.toString();
      assertThat(text).contains("faults: login: no_answer always; refresh: too_many_requests x2; api: server_error rate 0.0;"
          + " refresh latency 250 ms");
      assertThat(text).contains("/_admin/counters").contains("rotation on with reuse detection");
      assertThat(serve.server.faults().latency(Endpoint.REFRESH)).isEqualTo(Duration.ofMillis(250));

      HttpResponse<String> refresh = HttpClient.newHttpClient().send(HttpRequest.newBuilder(serve.server.refreshUri())
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=refresh_token&refresh_token=x&client_id=demo-client")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refresh.statusCode()).isEqualTo(429);
      assertThat(refresh.headers().firstValue("Retry-After")).hasValue("1");
    } finally {
      serve.stop.countDown();
    }
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void theBannerSaysPutBearerNeverRotates() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(new PrintWriter(out, true), new PrintWriter(new StringWriter(), true), false);
    ServeCommand serve = cl.getSubcommands().get("serve").getCommand();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("serve", "--dialect", "put-bearer", "--port", "0"));
    org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> out.toString().contains("Press Ctrl-C"));
    serve.stop.countDown();
    assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString()).contains("no rotation (this dialect keeps the refresh token)").doesNotContain("reuse detection")
        .contains("faults: none");
  }

  @Test
  void theHelpListsEveryFault() {
    List<String> missing = new ArrayList<>();
    List<String> listed = Arrays.asList(FaultFlag.KINDS.split(", "));
    for (Faults.Fault f : Faults.Fault.values()) {
      if (!listed.contains(f.name().toLowerCase(Locale.ROOT))) missing.add(f.name());
    }
    assertThat(missing).isEmpty();
    assertThat(listed).hasSize(Faults.Fault.values().length);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "--fault refresh                       | expected ENDPOINT=FAULT[:HOW]",
      "--fault everywhere=server_error       | unknown endpoint 'everywhere'",
      "--fault api=meltdown                  | unknown fault 'meltdown'",
      "--fault api=server_error:2            | HOW must be a rate from 0 to 1, xN or always",
      "--fault api=server_error:x0           | xN needs a whole N of at least 1",
      "--fault api=drop_after_commit         | applies to REFRESH only",
      "--fault refresh=reject_tokens         | applies to API only",
      "--latency api                         | --latency must be ENDPOINT=MILLIS",
      "--latency api=-1                      | --latency must be ENDPOINT=MILLIS",
      "--latency nowhere=5                   | unknown endpoint 'nowhere'",
      "--fault-hold -5                       | --fault-hold must be 0 to 3600000"})
  void badFlagsAreUsageErrorsNamingThePart(String flags, String message) {
    List<String> args = new ArrayList<>(List.of("serve", "--dialect", "oauth2", "--port", "0"));
    args.addAll(List.of(flags.split(" ")));
    StringWriter err = new StringWriter();
    int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true), false, args.toArray(new String[0]));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }
}
