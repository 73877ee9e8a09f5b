package dev.silentrefresh.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each surefire execution runs on the Spring Framework line it names (the "spring7" one really on 7). */
class SpringLineTest {
  @Test
  void theTestsRunOnTheExpectedSpringLine() {
    String expected = System.getProperty("expectedSpringVersion");
    if (expected != null) assertThat(SpringLine.version()).isEqualTo(expected);
    assertThat(SpringLine.version()).matches("(6\\.2|7\\.0)\\..*");
  }
}
