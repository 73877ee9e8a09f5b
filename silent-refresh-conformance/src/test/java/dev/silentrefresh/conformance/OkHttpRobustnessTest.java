package dev.silentrefresh.conformance;

class OkHttpRobustnessTest extends RobustnessSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.OKHTTP.create();
  }
}
