package dev.silentrefresh.conformance;

class WebClientMultiUserTest extends MultiUserSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.WEBCLIENT.create();
  }
}
