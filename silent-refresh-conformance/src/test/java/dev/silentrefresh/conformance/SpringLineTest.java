package dev.silentrefresh.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.core.SpringVersion;

/** Each surefire execution runs the Spring clients' suites on the Spring Framework line it names. */
class SpringLineTest {
  @Test
  void theSuitesRunOnTheExpectedSpringLine() {
    String expected = System.getProperty("expectedSpringVersion");
    if (expected != null) assertThat(SpringVersion.getVersion()).isEqualTo(expected);
    assertThat(SpringVersion.getVersion()).matches("(6\\.2|7\\.0)\\..*");
  }
}
