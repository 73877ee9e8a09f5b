package dev.silentrefresh.conformance;

class RestTemplateRobustnessTest extends RobustnessSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.RESTTEMPLATE.create();
  }
}
