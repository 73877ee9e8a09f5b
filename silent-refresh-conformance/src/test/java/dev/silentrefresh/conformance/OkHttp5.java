package dev.silentrefresh.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import okhttp3.OkHttp;

/**
 * The OkHttp suites run a second time on OkHttp 5 ({@code okhttp-jvm}) in place of the 4.12 the adapter is built
 * against: the conformance pom's surefire execution {@code okhttp5} runs only the classes tagged {@value #TAG}, and
 * the default execution leaves them out.
 */
final class OkHttp5 {
  static final String TAG = "okhttp5";

  private OkHttp5() {}

  /** Fails unless this JVM runs the OkHttp the {@code okhttp5} execution names. */
  static void assertRunningOnIt() throws ReflectiveOperationException {
    String expected = System.getProperty("expectedOkHttpVersion");
    assertThat(expected).as("set by the okhttp5 surefire execution").isNotBlank().startsWith("5.");
    // read at run time: javac inlines the constant OkHttp.VERSION of the OkHttp compiled against
    assertThat(OkHttp.class.getField("VERSION").get(null)).isEqualTo(expected);
  }
}
