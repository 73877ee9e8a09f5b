package dev.silentrefresh.conformance;

class RestClientRobustnessTest extends RobustnessSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.RESTCLIENT.create();
  }
}
