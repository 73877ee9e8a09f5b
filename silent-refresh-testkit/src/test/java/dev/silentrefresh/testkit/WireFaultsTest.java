package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

/**
 * The faults a network and a busy provider add: 429 with {@code Retry-After} in both forms, a connection reset, a
 * request accepted and never answered, and latency set per endpoint while the server runs.
 */
class WireFaultsTest extends ServerTestBase {

  @Test
  void tooManyRequestsSaysWhenToComeBackInSeconds() {
    AuthServer s = start(Profile.OAUTH2);
    s.faults().failNext(Endpoint.REFRESH, Faults.Fault.TOO_MANY_REQUESTS, 1);
    HttpResponse<String> r = Wire.refresh(s, s.issueTokens("demo").refreshToken());
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
  }

  @Test
  void tooManyRequestsSaysWhenToComeBackAsAnHttpDateOnTheServersClock() {
    AuthServer s = start(Profile.CODE_401);
    s.faults().failNext(Endpoint.LOGIN, Faults.Fault.TOO_MANY_REQUESTS_DATE, 1);
    HttpResponse<String> r = Wire.login(s);
    assertThat(r.statusCode()).isEqualTo(429);
    String date = r.headers().firstValue("Retry-After").orElseThrow();
    assertThat(date).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    Instant at = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    assertThat(at).isEqualTo(clock.instant().plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  @Test
  void aConnectionResetIsATcpResetWithNoReplyAndDecidesNothing() throws Exception {
    AuthServer s = start(Profile.CODE_50014);
    String refresh = s.issueTokens("demo").refreshToken();
    s.faults().failNext(Endpoint.REFRESH, Faults.Fault.CONNECTION_RESET, 1);
    URI uri = URI.create(s.refreshUri() + refresh);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Length: 0\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      Throwable failure = catchThrowable(() -> {
        byte[] buf = new byte[1024];
        while (in.read(buf) >= 0) {
          // a reset ends the read with an exception; an orderly close would end it with -1
        }
      });
      assertThat(failure).as("reading after the reset").isInstanceOf(SocketException.class);
      assertThat(failure.getMessage()).containsIgnoringCase("reset");
    }
    assertThat(Wire.refresh(s, refresh).statusCode()).as("the token was not spent").isEqualTo(200);
  }

  @Test
  void aRequestAcceptedAndNeverAnsweredEndsInTheClientsOwnTimeoutAndDecidesNothing() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    String refresh = s.issueTokens("demo").refreshToken();
    s.faults().failNext(Endpoint.REFRESH, Faults.Fault.NO_ANSWER, 1);
    HttpRequest request = Wire.refreshRequest(s, refresh).timeout(Duration.ofMillis(500)).build();
    Throwable failure = catchThrowable(() -> Wire.HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    assertThat(failure).isInstanceOf(HttpTimeoutException.class);
    s.faults().releaseHeldRequests();
    assertThat(Wire.refresh(s, refresh).statusCode()).as("nothing was decided: the token is still good").isEqualTo(200);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(1);
  }

  @Test
  void latencyCanBeAddedToOneEndpointWhileTheServerRunsAndTakenAway() {
    AuthServer s = start(Profile.OAUTH2);
    String access = s.issueTokens("demo").accessToken();
    s.faults().latency(Endpoint.API, Duration.ofMillis(400));
    assertThat(s.faults().latency(Endpoint.API)).isEqualTo(Duration.ofMillis(400));
    assertThat(s.faults().latency(Endpoint.REFRESH)).isZero();
    long started = System.nanoTime();
    assertThat(Wire.me(s, access).statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("at least the added latency")
        .isGreaterThanOrEqualTo(Duration.ofMillis(400));
    s.faults().latency(Endpoint.API, Duration.ZERO);
    assertThat(s.faults().latency(Endpoint.API)).isZero();
    s.faults().latency(Endpoint.LOGIN, Duration.ofSeconds(1));
    s.faults().clear();
    assertThat(s.faults().latency(Endpoint.LOGIN)).as("cleared with the rules").isZero();
  }
}
