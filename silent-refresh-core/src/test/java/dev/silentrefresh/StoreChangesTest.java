package dev.silentrefresh;

import static dev.silentrefresh.Script.API;
import static dev.silentrefresh.Script.DIALECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.Script.TestClock;
import dev.silentrefresh.Script.Transport;
import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.StoreChanges;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A session on a store that tells of changes made elsewhere ({@link StoreChanges}) takes them at once: tokens
 * another process refreshed (told once as adopted), and a sign-out made elsewhere (no request is sent after it).
 */
class StoreChangesTest {
  /** An in-memory store shared by "processes", which can tell its subscribers that someone wrote. */
  static final class NoticingStore extends TokenSessionTest.DelegatingStore implements StoreChanges {
    final TokenStore inner;
    final List<Runnable> subscribers = new CopyOnWriteArrayList<>();

    NoticingStore(TokenStore inner) {
      super(inner);
      this.inner = inner;
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
      subscribers.add(listener);
      return () -> subscribers.remove(listener);
    }

    /** Another process wrote {@code tokens} (null: signed out), and says so. */
    void writtenElsewhere(Tokens tokens) throws IOException {
      StoredTokens cur = inner.read();
      if (tokens == null) inner.clear(cur.version());
      else inner.replace(cur.version(), tokens);
      subscribers.forEach(Runnable::run);
    }
  }

  private final NoticingStore store = new NoticingStore(TokenStore.inMemory());
  private final Transport server = new Transport();
  private final Api api = new Api();
  private final AtomicInteger adopted = new AtomicInteger();
  private final AtomicInteger signedOut = new AtomicInteger();
  private final TokenSession session = TokenSession.builder(DIALECT, server).clock(new TestClock()).scope(API)
      .store(store).listener(new SessionListener() {
        @Override
        public void refreshed(Instant newExpiry, Duration took, boolean wasAdopted) {
          if (wasAdopted) adopted.incrementAndGet();
        }

        @Override
        public void signedOut() {
          signedOut.incrementAndGet();
        }
      }).build();

  @Test
  void tokensRefreshedElsewhereAreTakenAtOnceAndToldOnce() throws Exception {
    session.signIn(Script.tokens(1, null));
    assertThat(SessionCalls.of(session).execute(API, api.blocking()).status).isEqualTo(200);
    store.writtenElsewhere(Script.tokens(2, null));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> adopted.get() == 1);
    api.accepts = token -> token.equals("A2"); // the old token is dead at the backend now
    assertThat(SessionCalls.of(session).execute(API, api.blocking()).status).isEqualTo(200);
    assertThat(server.calls()).as("no refresh: the new tokens came from the store").isZero();
    store.subscribers.forEach(Runnable::run); // a spurious notice changes nothing
    assertThat(adopted.get()).isEqualTo(1);
  }

  @Test
  void aSignOutElsewhereStopsRequestsHereBeforeTheyAreSent() throws Exception {
    session.signIn(Script.tokens(1, null));
    store.writtenElsewhere(null);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !session.isSignedIn());
    int sent = api.sent.size();
    Throwable t = catchThrowable(() -> SessionCalls.of(session).execute(API, api.blocking()));
    assertThat(t).isInstanceOf(LoginRequiredException.class);
    assertThat(((LoginRequiredException) t).reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION); // as after a local sign-out
    assertThat(api.sent).hasSize(sent);
    assertThat(signedOut.get()).isEqualTo(1);
  }
}
