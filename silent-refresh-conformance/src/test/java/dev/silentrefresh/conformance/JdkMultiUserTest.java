package dev.silentrefresh.conformance;

class JdkMultiUserTest extends MultiUserSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.JDK.create();
  }
}
