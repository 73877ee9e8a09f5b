package dev.silentrefresh.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.leakcheck.LeakDetector;
import dev.silentrefresh.leakcheck.LogCapture;
import dev.silentrefresh.testkit.Profile;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.logging.HttpLoggingInterceptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The run's leak check hears OkHttp's own JUL loggers and an application's {@link HttpLoggingInterceptor} (BODY, and
 * BASIC on the network) during a refresh, and none of it shows a token: the refresh call goes through none of the
 * application's interceptors, and the application's own call is logged before the token is attached.
 */
class RefreshCallLogCaptureTest {
  private static final Logger WIRE_LOG = Logger.getLogger("okhttp3.logging.HttpLoggingInterceptor");

  @ParameterizedTest
  @EnumSource(Profile.class)
  void okHttpsLoggingOfARefreshIsCapturedAndShowsNoToken(Profile profile) throws Exception {
    LeakDetector.Snapshot before = LogCapture.detector().snapshot();
    OkHttpClient logged = new OkHttpClient.Builder()
        .addInterceptor(new HttpLoggingInterceptor(WIRE_LOG::fine).setLevel(HttpLoggingInterceptor.Level.BODY))
        .addNetworkInterceptor(new HttpLoggingInterceptor(WIRE_LOG::fine).setLevel(HttpLoggingInterceptor.Level.BASIC))
        .build();
    try (Fixture f = new Fixture(profile, s -> {}, b -> {}, logged)) {
      f.signInExpired();
      try (Response r = f.client.newCall(new Request.Builder().url(f.me().toString()).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
      }
      assertThat(f.server.counters().refreshSucceeded()).isEqualTo(1);
    }
    assertThat(before.newRecords("okhttp3.logging")).as("the interceptors' lines").isPositive();
    assertThat(before.newRecords("okhttp3.internal")).as("OkHttp's own FINE logging").isPositive();
    assertThat(before.newLeaks()).as("lines showing a token").isZero();
  }
}
