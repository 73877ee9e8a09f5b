package dev.silentrefresh.conformance;

class RestClientMultiUserTest extends MultiUserSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.RESTCLIENT.create();
  }
}
