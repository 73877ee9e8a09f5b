package dev.silentrefresh.conformance;

class JdkConformanceTest extends ConformanceSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.JDK.create();
  }
}
