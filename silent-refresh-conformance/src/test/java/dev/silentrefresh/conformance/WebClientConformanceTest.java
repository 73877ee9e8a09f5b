package dev.silentrefresh.conformance;

class WebClientConformanceTest extends ConformanceSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.WEBCLIENT.create();
  }
}
