package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.awaitility.Awaitility.await;

import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.SessionSelector;
import dev.silentrefresh.spi.StoreChanges;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TokenSessionsTest {
  private final Script.Transport transport = new Script.Transport();
  private final Map<String, AtomicInteger> made = new ConcurrentHashMap<>();

  private TokenSession make(String key) {
    made.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    return TokenSession.builder(Script.DIALECT, transport).build();
  }

  @Test
  void oneSessionPerKeyMadeOnceEvenWhenManyThreadsAskAtOnce() throws Exception {
    TokenSessions sessions = TokenSessions.builder(this::make).build();
    int threads = 32;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<TokenSession>> got = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        String key = "user-" + (i % 4);
        got.add(pool.submit(() -> {
          start.await();
          return sessions.get(key);
        }));
      }
      start.countDown();
      Map<String, Set<TokenSession>> byKey = new ConcurrentHashMap<>();
      for (int i = 0; i < threads; i++) {
        byKey.computeIfAbsent("user-" + (i % 4), k -> ConcurrentHashMap.newKeySet()).add(got.get(i).get(30, TimeUnit.SECONDS));
      }
      assertThat(byKey).hasSize(4);
      byKey.values().forEach(s -> assertThat(s).as("one session per key").hasSize(1));
      assertThat(byKey.get("user-0")).doesNotContainAnyElementsOf(byKey.get("user-1"));
    } finally {
      pool.shutdownNow();
    }
    assertThat(made).hasSize(4);
    made.values().forEach(n -> assertThat(n.get()).as("factory calls per key").isEqualTo(1));
    assertThat(sessions.size()).isEqualTo(4);
    assertThat(sessions.keys()).containsExactly("user-0", "user-1", "user-2", "user-3");
  }

  @Test
  void beyondTheBoundTheLeastRecentlyUsedIsDroppedAndMadeAgainOnItsNextUse() {
    Script.TestClock clock = new Script.TestClock();
    TokenSessions sessions = TokenSessions.builder(this::make).maximumSize(2).clock(clock).build();
    TokenSession a = sessions.get("a");
    clock.advance(Duration.ofSeconds(1));
    sessions.get("b");
    clock.advance(Duration.ofSeconds(1));
    assertThat(sessions.get("a")).isSameAs(a); // a is now the most recently used
    clock.advance(Duration.ofSeconds(1));
    sessions.get("c"); // drops b
    assertThat(sessions.keys()).containsExactly("a", "c");
    assertThat(sessions.evictions()).isEqualTo(1);
    assertThat(sessions.getIfPresent("b")).isNull();
    sessions.get("b");
    assertThat(made.get("b").get()).as("b made again after it was dropped").isEqualTo(2);
    assertThat(sessions.size()).isEqualTo(2);
  }

  @Test
  void aSessionWithRequestsWaitingForItsRefreshIsNeverDropped() throws Exception {
    Script.TestClock clock = new Script.TestClock();
    CompletableFuture<RefreshReply> held = new CompletableFuture<>();
    transport.answer = refresh -> held;
    TokenSessions sessions = TokenSessions.builder(key -> TokenSession.builder(Script.DIALECT, transport).clock(clock).scope(Script.API)
        .build()).maximumSize(1).clock(clock).build();
    TokenSession busy = sessions.get("busy");
    busy.signIn(Script.tokens(1, clock.instant().minusSeconds(1))); // expired: the next request waits for a refresh
    Script.Api api = new Script.Api();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try {
      Future<Script.Reply> waiting = caller.submit(() -> SessionCalls.of(busy).execute(Script.API, api.blocking()));
      await().atMost(Duration.ofSeconds(20)).until(() -> busy.waitingForRefresh() == 1);
      clock.advance(Duration.ofSeconds(1));
      sessions.get("other"); // over the bound, but the only other session is busy
      assertThat(sessions.keys()).containsExactly("busy", "other");
      assertThat(sessions.evictions()).isZero();

      held.complete(transport.rotated(300));
      assertThat(waiting.get(20, TimeUnit.SECONDS).status).isEqualTo(200);
      assertThat(api.sent).containsExactly("A2");
      clock.advance(Duration.ofSeconds(1));
      sessions.get("third"); // now both others may go, least recently used first
      assertThat(sessions.keys()).containsExactly("third");
      assertThat(sessions.evictions()).isEqualTo(2);
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void idleSessionsAreDroppedAndStopListeningToTheirStore() {
    Script.TestClock clock = new Script.TestClock();
    List<Runnable> listening = new java.util.concurrent.CopyOnWriteArrayList<>();
    TokenSessions sessions = TokenSessions.builder(key -> TokenSession.builder(Script.DIALECT, transport)
        .store(new NoticeStore(listening)).build()).idleTimeout(Duration.ofMinutes(10)).clock(clock).build();
    sessions.get("idle");
    sessions.get("busy");
    assertThat(listening).hasSize(2);
    clock.advance(Duration.ofMinutes(6));
    sessions.get("busy");
    clock.advance(Duration.ofMinutes(6)); // idle: unused for 12 min; busy: for 6
    sessions.get("busy");
    assertThat(sessions.keys()).containsExactly("busy");
    assertThat(sessions.evictions()).isEqualTo(1);
    assertThat(listening).as("the dropped session's store subscription is closed").hasSize(1);
    assertThat(sessions.evict("busy")).isTrue();
    assertThat(sessions.evict("busy")).isFalse();
    assertThat(listening).isEmpty();
    assertThat(sessions.evictions()).as("explicit evictions are not counted").isEqualTo(1);
  }

  @Test
  void aFailingFactoryKeepsNothingAndTheNextCallTriesAgain() {
    AtomicInteger calls = new AtomicInteger();
    TokenSessions sessions = TokenSessions.builder(key -> {
      if (calls.incrementAndGet() == 1) throw new IllegalArgumentException("store not ready");
      return calls.get() == 2 ? null : make(key);
    }).build();
    assertThatThrownBy(() -> sessions.get("alice")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'alice'").hasMessageContaining("store not ready");
    assertThatThrownBy(() -> sessions.get("alice")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("returned no session");
    assertThat(sessions.size()).isZero();
    assertThat(sessions.get("alice")).isNotNull();
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void badKeysAndSettingsAreRefusedClearly() {
    TokenSessions sessions = TokenSessions.builder(this::make).build();
    assertThatThrownBy(() -> sessions.get(null)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null or empty");
    assertThatThrownBy(() -> sessions.get("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sessions.get("a\nb")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character at index 1");
    assertThatThrownBy(() -> sessions.get("x".repeat(257))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    assertThat(sessions.get("x".repeat(256))).isNotNull();
    assertThatThrownBy(() -> TokenSessions.builder(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenSessions.builder(this::make).maximumSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenSessions.builder(this::make).idleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThat(made).hasSize(1);
  }

  @Test
  void theCallingThreadsKeyChoosesTheSessionWhenTheRequestNamesNoneAndNests() throws Exception {
    TokenSessions sessions = TokenSessions.builder(this::make).build();
    assertThatThrownBy(() -> sessions.sessionFor(null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("names no session key");
    assertThat(made).isEmpty();
    TokenSession alice = sessions.get("alice");
    TokenSession bob = sessions.get("bob");
    String seen = TokenSessions.callAs("alice", () -> {
      assertThat(sessions.sessionFor(null)).isSameAs(alice);
      assertThat(sessions.sessionFor("bob")).as("the request's own key wins").isSameAs(bob);
      TokenSessions.runAs("bob", () -> assertThat(sessions.sessionFor(null)).isSameAs(bob));
      assertThat(TokenSessions.currentKey()).as("restored after the inner call").isEqualTo("alice");
      return TokenSessions.currentKey();
    });
    assertThat(seen).isEqualTo("alice");
    assertThat(TokenSessions.currentKey()).isNull();
    assertThatThrownBy(() -> TokenSessions.runAs("carol", () -> {
      throw new IllegalStateException("boom");
    })).hasMessage("boom");
    assertThat(TokenSessions.currentKey()).as("restored after a throw").isNull();
    assertThat(sessions.toString()).contains("2 of at most 10000");
  }

  @Test
  void aSelectorGivesTheRequestsKeyThenTheThreadsAndNeverReadsTheThreadWhenToldNotTo() throws Exception {
    TokenSessions sessions = TokenSessions.builder(this::make).build();
    SessionSelector many = SessionSelector.of(sessions);
    TokenSession alice = sessions.get("alice");
    assertThat(many.select("alice")).isSameAs(alice);
    assertThat(many.sessions()).isSameAs(sessions);
    assertThatThrownBy(() -> many.select(null)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("names no session key");
    assertThatThrownBy(() -> many.select("")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("session key is not usable").hasMessageContaining("null or empty");
    TokenSessions.runAs("alice", () -> {
      assertThat(many.select(null)).isSameAs(alice);
      assertThat(many.select("bob")).as("the request's key wins").isSameAs(sessions.getIfPresent("bob"));
      assertThatThrownBy(() -> many.selectByRequest(null, "set attribute X"))
          .as("the thread's key is not read").isInstanceOf(IllegalStateException.class)
          .hasMessage("this request names no session key: set attribute X");
    });
    assertThat(many.selectByRequest("alice", "unused")).isSameAs(alice);
    assertThat(many.isReady("alice")).isTrue();
    assertThat(many.isReady("carol")).isFalse();
    assertThat(many.isReady(null)).isFalse();
    assertThat(made).doesNotContainKey("carol");

    TokenSession one = make("solo");
    SessionSelector single = SessionSelector.of(one);
    assertThat(single.select(null)).isSameAs(one);
    assertThat(single.select("alice")).as("one session whatever the key").isSameAs(one);
    assertThat(single.selectByRequest(null, "unused")).isSameAs(one);
    assertThat(single.isReady(null)).isTrue();
    assertThat(single.sessions()).isNull();
    assertThat(single.toString()).isEqualTo(one.toString());
    assertThat(many.toString()).isEqualTo(sessions.toString());
  }

  /** An in-memory store that hands out change subscriptions and counts the open ones. */
  private static final class NoticeStore extends TokenSessionTest.DelegatingStore implements StoreChanges {
    private final List<Runnable> listening;

    NoticeStore(List<Runnable> listening) {
      super(TokenStore.inMemory());
      this.listening = listening;
    }

    @Override
    public AutoCloseable subscribe(Runnable listener) {
      listening.add(listener);
      return () -> listening.remove(listener);
    }
  }
}
