package dev.silentrefresh.conformance;

class RestClientConformanceTest extends ConformanceSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.RESTCLIENT.create();
  }
}
