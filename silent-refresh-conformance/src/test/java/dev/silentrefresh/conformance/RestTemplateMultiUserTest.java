package dev.silentrefresh.conformance;

class RestTemplateMultiUserTest extends MultiUserSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.RESTTEMPLATE.create();
  }
}
