package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.spi.SessionCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end over loopback HTTP: a session whose refresh endpoint answers a bad reply (no usable access
 * token, and not the dialect's "refresh token dead") of any shape, size or encoding keeps its stored
 * session exactly as it was — the same tokens at the same version — stays signed in, makes no more than
 * one refresh call, and says nothing that quotes a token: not to the caller, not to its listeners.
 */
class BadRefreshReplyTest {
  private static final int MAX_REPLY_BYTES = 64 * 1024;
  private static LoopbackRefreshEndpoint endpoint;
  private static LoopbackTransport transport;

  @BeforeAll
  static void start() throws Exception {
    endpoint = new LoopbackRefreshEndpoint();
    transport = new LoopbackTransport();
  }

  @AfterAll
  static void stop() {
    endpoint.close();
  }

  @Test
  void aBadRefreshReplyNeverChangesTheStoredSession() {
    Dialect dialect = Dialect.oauth2(endpoint.uri(), "client");
    Fuzz.check("bad refresh reply, end to end", 300, t -> {
      Tokens signedIn = RefreshReplyFuzzTest.previousTokens(t.random);
      FuzzedRefreshReply reply;
      do {
        reply = FuzzedRefreshReply.generate(t, dialect, signedIn, true, MAX_REPLY_BYTES);
      } while (reply.couldChangeTheSession(dialect) || reply.status < 200 || reply.status > 599);
      endpoint.answerWith(reply);
      int callsBefore = endpoint.calls();

      TokenStore store = TokenStore.inMemory();
      List<Object> told = new CopyOnWriteArrayList<>();
      TokenSession session = TokenSession.builder(dialect, transport).store(store).scope(Script.API)
          .retry(1, Duration.ZERO, Duration.ZERO).maxRefreshReplyBytes(MAX_REPLY_BYTES)
          .listener(new SessionListener() {
            @Override
            public void refreshFailed(RefreshFailedException failure, int attempt, boolean willRetry) {
              told.add(failure);
            }

            @Override
            public void loginRequired(LoginRequiredException reason) {
              told.add(reason);
            }
          }).build();
      session.signIn(signedIn);
      StoredTokens before = store.read();
      Api api = new Api();
      api.accepts = token -> false; // the signed-in access token is rejected: one refresh

      try {
        SessionCalls.of(session).execute(Script.API, api.blocking());
      } catch (RefreshFailedException failed) {
        told.add(failed);
      }

      StoredTokens after = store.read();
      assertThat(after.version()).isEqualTo(before.version());
      assertThat(after.tokens()).isEqualTo(before.tokens());
      assertThat(session.isSignedIn()).isTrue();
      assertThat(told).noneMatch(e -> e instanceof LoginRequiredException);
      // at most one: a pooled connection the previous try's reply left unread may fail before the server sees the call
      assertThat(endpoint.calls() - callsBefore).isLessThanOrEqualTo(1);
      LeakCheck.assertNoSecretIn(reply.secrets, told.toArray());
      session.release();
    });
  }
}
