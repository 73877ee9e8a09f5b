package dev.silentrefresh.conformance;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** A suite an adapter's test class runs with one instance of the adapter, made by {@link #newClient()}, for all its tests. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ClientSuite {
  private ClientUnderTest client;

  /** A fresh instance of the adapter under test. */
  protected abstract ClientUnderTest newClient();

  @BeforeAll
  void startClient() {
    client = newClient();
  }

  @AfterAll
  void stopClient() {
    client.close();
  }

  /** The adapter under test. */
  protected final ClientUnderTest client() {
    return client;
  }
}
