package dev.silentrefresh.jdk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.TokenSession;
import dev.silentrefresh.leakcheck.LeakDetector;
import dev.silentrefresh.leakcheck.LogCapture;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The run's leak check hears the JDK client's own logging of the refresh call — its internal DEBUG log and its
 * request log — and none of it shows a token (the refresh URL of a dialect that demands the token there excepted).
 */
class RefreshCallLogCaptureTest {
  @ParameterizedTest
  @EnumSource(Profile.class)
  void theClientsDebugLoggingOfARefreshIsCapturedAndShowsNoToken(Profile profile) throws Exception {
    LeakDetector.Snapshot before = LogCapture.detector().snapshot();
    HttpClient plain = HttpClient.newHttpClient();
    try (AuthServer server = AuthServer.builder(profile).start()) {
      TokenSession session = TokenSession.builder(server.dialect(), JdkRefreshTransport.of(plain)).build();
      session.signIn(server.issueExpiredTokens(server.username()).toTokensWithoutExpiry());
      HttpResponse<String> reply = JdkRefreshClient.wrap(plain, session)
          .send(HttpRequest.newBuilder(server.apiUri("/api/me")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(reply.statusCode()).isEqualTo(200);
      assertThat(server.counters().refreshSucceeded()).isEqualTo(1);
    }
    assertThat(before.newRecords("jdk.internal.httpclient")).as("the client's DEBUG log").isPositive();
    assertThat(before.newRecords("jdk.httpclient.HttpClient")).as("its request log: the refresh call too").isGreaterThan(2);
    assertThat(before.newLeaks()).as("lines showing a token").isZero();
  }
}
