package dev.silentrefresh.cli;

import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.FaultRule;
import dev.silentrefresh.testkit.Faults;
import dev.silentrefresh.testkit.Profile;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code serve}: the reference auth server, standalone, for any client — an axios front end included — with fault
 * rules from {@code --fault} and its admin endpoint ({@code /_admin/}, always on) for counters and faults over HTTP.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs the reference auth server for one dialect on 127.0.0.1 until Ctrl-C, printing the demo "
        + "user's credentials and every endpoint with an example curl line. Pages on loopback origins (and those "
        + "given with --cors-origin) may call it from a browser, with credentials. Its admin endpoint, /_admin/, is always on (this is a test server): GET counters, "
        + "GET/POST/PUT/DELETE faults, POST release, POST expire-access-tokens, POST reset; JSON, CORS for pages of "
        + "loopback origins, refused for any other origin.",
    footerHeading = "%nFault rules (--fault, and {\"rules\":[...]} at /_admin/faults):%n",
    footer = {
        "  ENDPOINT=FAULT[:PART]...",
        "  ENDPOINT  login, refresh or api",
        "  FAULT     server_error, service_unavailable, html_error_page,",
        "            malformed_json, truncated_json, wrong_types, missing_fields,",
        "            huge_body, not_json, delay, latency, too_many_requests,",
        "            too_many_requests_date, connection_reset, never_answer;",
        "            refresh only: drop_after_commit, disconnect_after_commit,",
        "            hang_after_commit, hang_before_commit; api only: reject_tokens",
        "  PART      how often: always (the default), a rate 0..1 (0.1),",
        "            a percentage (10%%) or xN (the next N requests);",
        "            a duration (200ms, 30s, 2m, 1h): the wait of latency and",
        "            delay, the longest hold of hang_*, the Retry-After of",
        "            service_unavailable and too_many_requests(_date)",
        "  Latency adds up and lets the next rule decide; any other fault decides",
        "  its request. Example:",
        "    --fault refresh=server_error:0.1 --fault api=latency:200ms",
        "    --fault login=too_many_requests:30s:x3"})
final class ServeCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--dialect", paramLabel = "NAME", required = true,
      description = "oauth2, put-bearer, code-1002, code-50014 or code-401")
  String dialect;

  @Option(names = "--port", paramLabel = "P", defaultValue = "8080", description = "port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--access-ttl", paramLabel = "S", defaultValue = "30", description = "access token lifetime in seconds (default: ${DEFAULT-VALUE})")
  int accessTtl;

  @Option(names = "--refresh-ttl", paramLabel = "S", defaultValue = "600", description = "refresh token lifetime in seconds (default: ${DEFAULT-VALUE})")
  int refreshTtl;

  @Option(names = "--rotation", paramLabel = "on|off", defaultValue = "on",
      description = "issue a new refresh token on each refresh, with reuse detection (default: ${DEFAULT-VALUE})")
  String rotation;

  @Option(names = "--grace", paramLabel = "S", defaultValue = "0",
      description = "seconds a just-rotated refresh token is still accepted (default: ${DEFAULT-VALUE})")
  int grace;

  @Option(names = "--client-secret", paramLabel = "SECRET",
      description = "oauth2 only: make the client confidential; the token endpoint then requires client_secret_basic"
          + " or client_secret_post, and allows the client_credentials grant")
  String clientSecret;

  @Option(names = "--client-credential", paramLabel = "VALUE",
      description = "code-1002 only: the client credential the renewal endpoint accepts in the body's authorization"
          + " field (default: demo-app-credential)")
  String clientCredential;

  @Option(names = "--cors-origin", paramLabel = "ORIGIN",
      description = "also let pages of ORIGIN (scheme://host[:port], or * for any) call the server with credentials;"
          + " loopback origins always may. Repeatable")
  List<String> corsOrigins = new ArrayList<>();

  @Option(names = "--fail-refresh", paramLabel = "RATE", defaultValue = "0",
      description = "fraction 0..1 of refresh calls answered with HTTP 500 (default: ${DEFAULT-VALUE}); the same as "
          + "--fault refresh=server_error:RATE")
  double failRefresh;

  @Option(names = "--fault", paramLabel = "RULE",
      description = "a fault rule, e.g. refresh=server_error:0.1 or api=latency:200ms (repeatable; see below)")
  List<String> faults = new ArrayList<>();

  /** Counted down to stop the server (Ctrl-C, or a test). */
  final CountDownLatch stop = new CountDownLatch(1);
  /** Counted down once the server is closed: Ctrl-C's shutdown hook waits for it, or the JVM would halt first. */
  private final CountDownLatch closed = new CountDownLatch(1);
  /** The running server, once started (for tests). */
  volatile AuthServer server;

  @Override
  public Integer call() throws Exception {
    CommandLine cl = spec.commandLine();
    Profile profile = Options.dialects(cl, dialect, false).get(0);
    if (port < 0 || port > 65535) throw new CommandLine.ParameterException(cl, "--port must be between 0 and 65535, not " + port);
    Options.positive(cl, "--access-ttl", accessTtl, 86_400 * 365);
    Options.positive(cl, "--refresh-ttl", refreshTtl, 86_400 * 365);
    if (!rotation.equals("on") && !rotation.equals("off")) {
      throw new CommandLine.ParameterException(cl, "--rotation must be on or off, not '" + rotation + "'");
    }
    if (grace < 0) throw new CommandLine.ParameterException(cl, "--grace must be 0 or more, not " + grace);
    if (clientSecret != null && (profile != Profile.OAUTH2 || clientSecret.isEmpty())) {
      throw new CommandLine.ParameterException(cl, "--client-secret needs --dialect oauth2 and a non-empty secret");
    }
    if (!(failRefresh >= 0 && failRefresh <= 1)) {
      throw new CommandLine.ParameterException(cl, "--fail-refresh must be between 0 and 1, not " + failRefresh);
    }
    if (clientCredential != null && (profile != Profile.CODE_1002 || clientCredential.isEmpty())) {
      throw new CommandLine.ParameterException(cl, "--client-credential needs --dialect code-1002 and a non-empty value");
    }
    List<FaultRule> rules = new ArrayList<>();
    if (failRefresh > 0) rules.add(FaultRule.rate(Endpoint.REFRESH, Faults.Fault.SERVER_ERROR, failRefresh));
    for (String text : faults) {
      try {
        rules.add(FaultRule.parse(text));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cl, "--fault " + e.getMessage());
      }
    }

    AuthServer s;
    AuthServer.Builder b = AuthServer.builder(profile).port(port)
        .accessTtl(Duration.ofSeconds(accessTtl)).refreshTtl(Duration.ofSeconds(refreshTtl))
        .rotation(rotation.equals("on")).grace(Duration.ofSeconds(grace));
    if (clientSecret != null) b.clientSecret(clientSecret);
    if (clientCredential != null) b.clientCredential(clientCredential);
    for (String origin : corsOrigins) {
      try {
        b.corsOrigin(origin);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(cl, "--cors-origin: " + e.getMessage());
      }
    }
    try {
      s = b.start();
    } catch (IllegalStateException e) {
      cl.getErr().println("error: " + e.getMessage());
      return 1;
    }
    server = s;
    s.faults().replaceAll(rules);
    Thread hook = new Thread(() -> {
      stop.countDown();
      try {
        closed.await(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      describe(cl.getOut(), s);
      stop.await();
    } finally {
      s.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is already stopping: the hook has run
      }
      cl.getOut().println("stopped.");
      cl.getOut().flush();
      closed.countDown();
    }
    return 0;
  }

  private void describe(PrintWriter out, AuthServer s) {
    Profile p = s.profile();
    out.printf("Silent Refresh reference server — dialect %s — listening on %s%n", p.id(), s.baseUri());
    out.printf("  user: %s / %s%n", s.username(), s.password());
    if (p == Profile.OAUTH2) {
      out.printf("  client_id: %s%s%n", s.clientId(), s.clientSecret() == null ? " (public client)"
          : " (confidential: client_secret_basic or client_secret_post with the secret given; client_credentials allowed)");
    }
    if (p == Profile.CODE_1002) out.printf("  client credential: %s%n", s.clientCredential());
    List<FaultRule> rules = s.faults().rules();
    out.printf("  access tokens live %d s, refresh tokens %d s, %s, faults: %s%n",
        accessTtl, refreshTtl, rotationText(p), rules.isEmpty() ? "none"
            : rules.stream().map(FaultRule::toString).collect(Collectors.joining(" ")));
    out.printf("  CORS: pages on loopback origins%s may call it, with credentials%n",
        corsOrigins.isEmpty() ? "" : " and " + String.join(", ", corsOrigins));
    out.println();
    String json = "-H 'Content-Type: application/json' -d '{\"username\":\"" + s.username()
        + "\",\"password\":\"" + s.password() + "\"}'";
    String header = s.dialect().tokenHeader() + ": " + s.dialect().tokenHeaderValue("<access token>");
    switch (p) {
      case OAUTH2:
        endpoint(out, "login", "POST", s.loginUri().toString(), "curl -s -X POST " + s.loginUri()
            + " -d grant_type=password -d username=" + s.username() + " -d password=" + s.password() + " -d client_id=" + s.clientId());
        endpoint(out, "refresh", "POST", s.refreshUri().toString(), "curl -s -X POST " + s.refreshUri()
            + " -d grant_type=refresh_token -d 'refresh_token=<refresh token>' -d client_id=" + s.clientId());
        break;
      case PUT_BEARER:
        endpoint(out, "login", "POST", s.loginUri().toString(), "curl -s -X POST " + s.loginUri() + " " + json);
        endpoint(out, "refresh", "PUT", s.refreshUri().toString(), "curl -s -X PUT " + s.refreshUri()
            + " -H 'Authorization: Bearer <refresh token>'");
        break;
      case CODE_1002:
        endpoint(out, "login", "POST", s.loginUri().toString(), "curl -s -X POST " + s.loginUri() + " " + json);
        endpoint(out, "refresh", "POST", s.refreshUri().toString(), "curl -s -X POST " + s.refreshUri()
            + " -H 'Content-Type: application/json' -d '{\"refreshToken\":\"<refresh token>\",\"authorization\":\""
            + s.clientCredential() + "\"}'");
        break;
      case CODE_50014:
        endpoint(out, "login", "POST", s.loginUri().toString(), "curl -s -X POST " + s.loginUri() + " " + json);
        endpoint(out, "refresh", "POST", s.refreshUri() + "<refresh token>", "curl -s -X POST '" + s.refreshUri() + "<refresh token>'");
        break;
      case CODE_401:
        endpoint(out, "login", "POST", s.loginUri().toString(), "curl -s -X POST " + s.loginUri() + " " + json);
        endpoint(out, "refresh", "POST", s.refreshUri() + "?refreshToken=<refresh token>",
            "curl -s -X POST '" + s.refreshUri() + "?refreshToken=<refresh token>'");
        break;
      default:
        break;
    }
    endpoint(out, "api", "GET", s.apiUri("/api/me").toString(), "curl -s " + s.apiUri("/api/me") + " -H '" + header + "'");
    endpoint(out, "echo", "POST", s.apiUri("/api/echo").toString(), "curl -s -X POST " + s.apiUri("/api/echo")
        + " -H '" + header + "' -H 'Content-Type: application/json' -d '{\"hello\":1}'");
    out.println();
    out.println("Admin (test control; not counted, never faulted):");
    URI admin = s.adminUri();
    endpoint(out, "counters", "GET", admin + "counters", "curl -s " + admin + "counters");
    endpoint(out, "faults", "POST", admin + "faults", "curl -s -X POST " + admin + "faults"
        + " -H 'Content-Type: application/json' -d '{\"rules\":[\"refresh=server_error:0.1\",\"api=latency:200ms\"]}'");
    endpoint(out, "faults", "GET", admin + "faults", "curl -s " + admin + "faults   (PUT replaces, DELETE clears)");
    endpoint(out, "expire", "POST", admin + "expire-access-tokens", "curl -s -X POST " + admin + "expire-access-tokens");
    endpoint(out, "reset", "POST", admin + "reset", "curl -s -X POST " + admin + "reset");
    out.println();
    out.println("Press Ctrl-C to stop.");
    out.flush();
  }

  /** What the server does with refresh tokens: only where the dialect rotates them does --rotation apply. */
  private String rotationText(Profile p) {
    if (!p.rotates()) {
      return "no rotation (the " + p.id() + " refresh reply carries only a new access token; --rotation and --grace"
          + " do not apply)";
    }
    return rotation.equals("on") ? "rotation on with reuse detection, grace " + grace + " s" : "rotation off";
  }

  private static void endpoint(PrintWriter out, String name, String method, String url, String curl) {
    out.printf("  %-8s %-4s %s%n           %s%n", name, method, url, curl);
  }
}
