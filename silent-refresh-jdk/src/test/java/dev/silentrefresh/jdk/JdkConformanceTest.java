package dev.silentrefresh.jdk;

import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.ConformanceSuite;

class JdkConformanceTest extends ConformanceSuite {
  @Override
  protected ClientUnderTest newClient() {
    return new JdkClient();
  }
}
