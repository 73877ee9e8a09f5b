package dev.silentrefresh.conformance;

class JdkRobustnessTest extends RobustnessSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.JDK.create();
  }
}
