package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.testkit.Faults.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Connection reset, requests never answered, added latency: what the client sees, per endpoint. */
class ConnectionFaultTest extends ServerTestBase {

  @ParameterizedTest
  @EnumSource(Endpoint.class)
  void connectionResetIsSeenAsAResetAndProcessesNothing(Endpoint endpoint) {
    AuthServer s = start(Profile.OAUTH2);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().failNext(endpoint, Fault.CONNECTION_RESET, 1);

    assertThatThrownBy(() -> Wire.HTTP.send(request(s, endpoint, tokens).timeout(Duration.ofSeconds(20)).build(),
        BodyHandlers.ofString()))
        .isInstanceOf(IOException.class)
        .satisfies(e -> assertThat(chain(e)).contains("reset"));
    assertThat(s.counters().faultsInjected()).isEqualTo(1);
    assertThat(s.counters().refreshSucceeded()).isZero();
    assertThat(RetryAfterFaultTest.call(s, endpoint, tokens).statusCode()).isEqualTo(200); // the token still works
  }

  @Test
  void aPlainSocketReadsConnectionReset() throws Exception {
    AuthServer s = start(Profile.CODE_401);
    s.faults().add(FaultRule.parse("api=connection_reset:x1"));
    try (Socket socket = new Socket(s.baseUri().getHost(), s.baseUri().getPort())) {
      OutputStream out = socket.getOutputStream();
      out.write(("GET /api/me HTTP/1.1\r\nHost: " + s.baseUri().getAuthority() + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      assertThatThrownBy(in::read).isInstanceOf(SocketException.class).hasMessageContaining("Connection reset");
    }
  }

  @Test
  void neverAnswerEndsWhenTheClientGivesUp() throws Exception {
    AuthServer s = start(Profile.CODE_50014);
    IssuedTokens tokens = s.issueTokens("demo");
    s.faults().failNext(Endpoint.REFRESH, Fault.NEVER_ANSWER, 1);

    CompletableFuture<HttpResponse<String>> pending = Wire.HTTP.sendAsync(
        Wire.refreshRequest(s, tokens.refreshToken()).timeout(Duration.ofSeconds(2)).build(), BodyHandlers.ofString());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> s.faults().unanswered() == 1);
    assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(HttpTimeoutException.class);
    assertThat(s.counters().refreshCalls()).isEqualTo(1);
    assertThat(s.counters().refreshSucceeded()).isZero();
    Wire.refreshTokens(s, tokens.refreshToken()); // nothing was decided: the token still rotates once
  }

  /** More requests than the server has threads wait unanswered at once, and the server still answers others. */
  @Test
  void neverAnswerHoldsNoThreadAndClearClosesEveryWaitingConnection() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    String access = s.issueTokens("demo").accessToken();
    s.faults().add(FaultRule.parse("api=never_answer:x600"));
    List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      pending.add(Wire.HTTP.sendAsync(echo(s, access).build(), BodyHandlers.ofString()));
    }
    Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> s.faults().unanswered() == 600);
    assertThat(pending).noneMatch(CompletableFuture::isDone);
    Wire.assertMe(Profile.OAUTH2, Wire.me(s, access)); // 600 waiting, more than the 512 threads: none is held

    s.faults().clear();
    for (CompletableFuture<HttpResponse<String>> p : pending) {
      assertThatThrownBy(() -> p.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
    }
    assertThat(s.faults().unanswered()).isZero();
    assertThat(s.counters().faultsInjected()).isEqualTo(600);
  }

  @Test
  void closingTheServerEndsAnUnansweredRequest() throws Exception {
    AuthServer s = start(Profile.PUT_BEARER);
    s.faults().failAlways(Endpoint.LOGIN, Fault.NEVER_ANSWER);
    CompletableFuture<HttpResponse<String>> pending = Wire.HTTP.sendAsync(Wire.postJson(s.loginUri(),
        "{\"username\":\"demo\",\"password\":\"demo-password\"}").build(), BodyHandlers.ofString());
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> s.faults().unanswered() == 1);
    s.close();
    assertThatThrownBy(() -> pending.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
    assertThat(s.faults().unanswered()).isZero();
  }

  @Test
  void latencyIsSetPerEndpoint() {
    AuthServer s = start(Profile.CODE_1002);
    Wire.Tokens tokens = Wire.loginTokens(s);
    s.faults().latency(Endpoint.LOGIN, Duration.ofMinutes(10)); // a login now would outlast the test
    s.faults().latency(Endpoint.API, Duration.ofMillis(300));

    long t0 = System.nanoTime();
    Wire.assertMe(Profile.CODE_1002, Wire.me(s, tokens.access()));
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    Wire.refreshTokens(s, tokens.refresh()); // REFRESH has none: answered within Wire's 20 s timeout
    assertThat(s.counters().faultsInjected()).isEqualTo(1);
  }

  @Test
  void latencyComposesWithTheFaultAfterIt() {
    AuthServer s = start(Profile.OAUTH2);
    String access = s.issueTokens("demo").accessToken();
    s.faults().add(FaultRule.parse("api=latency:200ms")).add(FaultRule.parse("api=server_error:x1"));

    long t0 = System.nanoTime();
    assertThat(Wire.me(s, access).statusCode()).isEqualTo(500);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    long t1 = System.nanoTime();
    Wire.assertMe(Profile.OAUTH2, Wire.me(s, access));
    assertThat(Duration.ofNanos(System.nanoTime() - t1)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(s.counters().faultsInjected()).isEqualTo(2);
  }

  static List<Arguments> everyFaultOnEveryEndpoint() {
    List<Arguments> args = new ArrayList<>();
    for (Endpoint e : Endpoint.values()) {
      for (Fault f : Fault.values()) {
        if (f.appliesTo(e)) {
          args.add(Arguments.of(e, f));
        }
      }
    }
    return args;
  }

  /** Each fault fires on its request only (failNext), and the endpoint answers normally afterwards. */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("everyFaultOnEveryEndpoint")
  void everyFaultFiresOnceOnEveryEndpointItAppliesTo(Endpoint endpoint, Fault fault) throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    IssuedTokens tokens = s.issueTokens("demo");
    FaultRule rule = FaultRule.next(endpoint, fault, 1);
    s.faults().add(fault.takesSetting() ? rule.withSetting(Duration.ZERO) : rule);
    HttpRequest faulted = request(s, endpoint, tokens)
        .timeout(Duration.ofSeconds(fault == Fault.NEVER_ANSWER ? 2 : 20)).build();
    int expected = statusSeen(fault);
    if (expected < 0) {
      assertThatThrownBy(() -> Wire.HTTP.send(faulted, BodyHandlers.ofString())).isInstanceOf(IOException.class);
    } else {
      HttpResponse<String> r = Wire.HTTP.send(faulted, BodyHandlers.ofString());
      assertThat(r.statusCode()).as("%s: %s", fault, r.body().length() > 200 ? "(long)" : r.body()).isEqualTo(expected);
    }
    assertThat(s.counters().faultsInjected()).isEqualTo(1);
    IssuedTokens fresh = s.issueTokens("demo"); // an *_AFTER_COMMIT fault rotated the first refresh token
    assertThat(RetryAfterFaultTest.call(s, endpoint, fresh).statusCode()).isEqualTo(200);
    assertThat(s.counters().faultsInjected()).isEqualTo(1);
  }

  /** The status the client gets for {@code fault} (OAUTH2), or -1: no response at all (an IOException). */
  private static int statusSeen(Fault fault) {
    switch (fault) {
      case SERVER_ERROR:
      case DROP_AFTER_COMMIT:
        return 500;
      case SERVICE_UNAVAILABLE:
        return 503;
      case HTML_ERROR_PAGE:
        return 502;
      case REJECT_TOKENS:
        return 401;
      case TOO_MANY_REQUESTS:
      case TOO_MANY_REQUESTS_DATE:
        return 429;
      case DISCONNECT_AFTER_COMMIT:
      case HANG_AFTER_COMMIT:
      case HANG_BEFORE_COMMIT:
      case CONNECTION_RESET:
      case NEVER_ANSWER:
        return -1;
      default:
        return 200; // a broken 200 body, or a wait and then the normal reply
    }
  }

  private static HttpRequest.Builder request(AuthServer s, Endpoint endpoint, IssuedTokens tokens) {
    switch (endpoint) {
      case LOGIN:
        return Wire.postForm(s.loginUri(), "grant_type=password&username=demo&password=demo-password&client_id="
            + s.clientId());
      case REFRESH:
        return Wire.refreshRequest(s, tokens.refreshToken());
      default:
        return echo(s, tokens.accessToken());
    }
  }

  /**
   * A POST to the API: the JDK client sends a GET again, once, when its connection ends without a response, which
   * would hide the fault; it never repeats a POST.
   */
  private static HttpRequest.Builder echo(AuthServer s, String access) {
    return Wire.withAccess(Wire.postJson(s.apiUri("/api/echo"), "{}"), s.profile(), access);
  }

  private static String chain(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(t).append(" / ");
    }
    return s.toString().toLowerCase(Locale.ROOT);
  }
}
