package dev.silentrefresh.okhttp;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.OkHttp;
import org.junit.jupiter.api.Test;

/** The module's tests run once per OkHttp line (see the pom): each run is on the OkHttp it names. */
class OkHttpVersionTest {
  @Test
  void theTestsRunOnTheOkHttpTheBuildNames() throws Exception {
    String expected = System.getProperty("expectedOkHttpVersion");
    assertThat(expected).as("set by the surefire execution").isNotBlank();
    // read at run time: javac inlines the constant OkHttp.VERSION of the OkHttp compiled against
    assertThat(OkHttp.class.getField("VERSION").get(null)).isEqualTo(expected);
  }
}
