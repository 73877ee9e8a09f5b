package dev.silentrefresh.spring;

import org.springframework.core.SpringVersion;

/** The Spring Framework line the tests run on: 6.2 (the one this module is built on) or 7.0 (surefire "spring7"). */
final class SpringLine {
  private SpringLine() {}

  static String version() {
    return SpringVersion.getVersion();
  }

  /** Spring Framework 7: a {@code ClientHttpRequestExecution} runs the rest of the chain each time it is executed. */
  static boolean isSeven() {
    String version = version();
    return version != null && version.startsWith("7.");
  }
}
