package dev.silentrefresh.conformance;

class OkHttpConformanceTest extends ConformanceSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.OKHTTP.create();
  }
}
