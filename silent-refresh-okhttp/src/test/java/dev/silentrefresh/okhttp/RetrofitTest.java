package dev.silentrefresh.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.testkit.Profile;
import okhttp3.ResponseBody;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import retrofit2.Call;
import retrofit2.Response;
import retrofit2.Retrofit;
import retrofit2.http.GET;

/** Retrofit needs nothing but the OkHttp client carrying the interceptor. */
class RetrofitTest {
  interface Api {
    @GET("api/me")
    Call<ResponseBody> me();
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = {"OAUTH2", "CODE_1002"})
  void anExpiredTokenIsRefreshedAndTheRetrofitCallReplayed(Profile profile) throws Exception {
    try (Fixture f = Fixture.of(profile)) {
      f.signInExpired();
      Api api = new Retrofit.Builder()
          .baseUrl(f.server.baseUri() + "/")
          .client(f.client)
          .build()
          .create(Api.class);
      Response<ResponseBody> reply = api.me().execute();
      assertThat(reply.code()).isEqualTo(200);
      try (ResponseBody body = reply.body()) {
        assertThat(body.string()).contains("\"id\":9223372036854775807").contains("Demo User");
      }
      assertThat(f.server.counters().refreshCalls()).isEqualTo(1);
      assertThat(f.server.counters().rejectedRequests()).isEqualTo(1);
      assertThat(f.server.counters().apiRequests()).isEqualTo(2);
    }
  }
}
