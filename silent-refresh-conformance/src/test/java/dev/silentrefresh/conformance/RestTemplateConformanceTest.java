package dev.silentrefresh.conformance;

class RestTemplateConformanceTest extends ConformanceSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.RESTTEMPLATE.create();
  }
}
