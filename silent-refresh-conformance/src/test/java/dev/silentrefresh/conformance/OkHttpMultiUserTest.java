package dev.silentrefresh.conformance;

class OkHttpMultiUserTest extends MultiUserSuite {
  @Override
  protected ClientUnderTest newClient() {
    return Clients.OKHTTP.create();
  }
}
