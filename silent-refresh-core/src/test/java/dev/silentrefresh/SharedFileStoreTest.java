package dev.silentrefresh;

import static dev.silentrefresh.Script.API;
import static dev.silentrefresh.Script.DIALECT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.Script.TestClock;
import dev.silentrefresh.Script.Transport;
import dev.silentrefresh.spi.SessionCalls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions sharing one {@code TokenStore.file} refresh once per expiry: the file's refresh lock is held
 * across the refresh, and whoever comes second re-reads the file and adopts the rotated tokens instead of
 * presenting the spent refresh token. (Two JVM processes: the conformance suite.)
 */
class SharedFileStoreTest {
  @Test
  void manySessionsOnOneFileRefreshOncePerExpiryAndNeverPresentASpentToken(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("session.json");
    TestClock clock = new TestClock();
    Api api = new Api();
    Transport server = new Transport();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    // A slowish endpoint, so that the sessions' refreshes would overlap without the lock.
    server.answer = refresh -> CompletableFuture.supplyAsync(() -> {
      peak.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      try {
        return server.rotated(300);
      } finally {
        concurrent.decrementAndGet();
      }
    }, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
    List<TokenSession> sessions = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sessions.add(TokenSession.builder(DIALECT, server).clock(clock).scope(API).store(TokenStore.file(file)).build());
    }
    sessions.get(0).signIn(Script.tokens(1, null));
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int expiry = 1; expiry <= 5; expiry++) {
        int cutoff = server.next.get(); // the backend stops accepting every token minted so far
        api.accepts = token -> Integer.parseInt(token.substring(1)) > cutoff;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Script.Reply>> calls = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          TokenSession s = sessions.get(i % sessions.size());
          calls.add(pool.submit(() -> {
            go.await();
            return SessionCalls.of(s).execute(API, api.blocking());
          }));
        }
        go.countDown();
        for (Future<Script.Reply> f : calls) assertThat(f.get(30, TimeUnit.SECONDS).status).isEqualTo(200);
        assertThat(server.calls()).as("refreshes after expiry %d", expiry).isEqualTo(expiry);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.presented).doesNotHaveDuplicates();
    assertThat(peak.get()).isEqualTo(1);
  }

  @Test
  void theRefreshLockTimesOutWhenHeldElsewhere(@TempDir Path dir) throws Exception {
    dev.silentrefresh.internal.FileTokenStore store = new dev.silentrefresh.internal.FileTokenStore(dir.resolve("s.json"));
    try (dev.silentrefresh.spi.RefreshLock.Lease held = store.acquire(Duration.ofSeconds(1))) {
      assertThat(held).isNotNull();
      assertThat(store.acquire(Duration.ofMillis(30))).isNull();
    }
    try (dev.silentrefresh.spi.RefreshLock.Lease again = store.acquire(Duration.ofMillis(30))) {
      assertThat(again).isNotNull();
    }
  }
}
