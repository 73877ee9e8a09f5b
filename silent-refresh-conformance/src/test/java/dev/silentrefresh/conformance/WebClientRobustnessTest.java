package dev.silentrefresh.conformance;

class WebClientRobustnessTest extends RobustnessSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.WEBCLIENT.create();
  }
}
