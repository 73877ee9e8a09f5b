package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.spi.RefreshLock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store and the lock against a real Redis: compare-and-set, formats, encryption, leases, wake-ups. */
class RedisTokenStoreTest {
  private static final Tokens TOKENS = Tokens.builder().accessToken("access-AAAA").refreshToken("refresh-BBBB")
      .expiresAt(Instant.parse("2030-01-01T00:00:00Z")).build();
  private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
  private static final SecretKey OTHER_KEY = new SecretKeySpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, "AES");

  private RedisClient client;
  private String session;
  private RedisCommands<String, String> raw;
  private StatefulRedisConnection<String, String> rawConnection;
  private final List<RedisTokenStore> stores = new ArrayList<>();

  @BeforeEach
  void connect() {
    client = LocalRedis.client();
    session = LocalRedis.uniqueSession();
    rawConnection = client.connect();
    raw = rawConnection.sync();
  }

  @AfterEach
  void clean() {
    stores.forEach(RedisTokenStore::close);
    if (client != null) {
      LocalRedis.delete(client, session);
      rawConnection.close();
      client.shutdown();
    }
  }

  private RedisTokenStore store(java.util.function.UnaryOperator<RedisTokenStore.Builder> options) {
    RedisTokenStore s = options.apply(RedisTokenStore.builder(client, session)).build();
    stores.add(s);
    return s;
  }

  private String tokensKey() {
    return "silent-refresh:{" + session + "}:tokens";
  }

  @Test
  void writesAreCompareAndSetOnAVersionThatOnlyGrowsAcrossStores() throws IOException {
    RedisTokenStore a = store(b -> b);
    RedisTokenStore b = store(x -> x);
    assertThat(a.read().version()).isZero();
    assertThat(a.read().isPresent()).isFalse();

    StoredTokens first = a.replace(0, TOKENS);
    assertThat(first.version()).isEqualTo(1);
    assertThat(b.read().tokens()).isEqualTo(TOKENS);
    assertThat(b.replace(0, TOKENS)).as("a stale version is refused").isNull();

    StoredTokens cleared = b.clear(1);
    assertThat(cleared.version()).isEqualTo(2);
    assertThat(a.read().isPresent()).isFalse();
    assertThat(a.read().version()).isEqualTo(2);
    assertThat(a.overwrite(TOKENS).version()).isEqualTo(3);
  }

  @Test
  void encryptedAtRestAndAWrongKeyIsAClearErrorThatOverwritesNothing() throws IOException {
    RedisTokenStore sealed = store(b -> b.encryptionKey(KEY));
    sealed.replace(0, TOKENS);
    String value = raw.hget(tokensKey(), "t");
    assertThat(value).startsWith("enc:v1:").doesNotContain("access-AAAA").doesNotContain("refresh-BBBB");
    assertThat(store(b -> b.encryptionKey(KEY)).read().tokens()).isEqualTo(TOKENS);

    RedisTokenStore wrong = store(b -> b.encryptionKey(OTHER_KEY));
    assertThat(catchThrowable(wrong::read)).isInstanceOf(IOException.class)
        .hasMessageContaining(tokensKey()).hasMessageContaining("wrong encryption key");
    assertThat(catchThrowable(() -> wrong.overwrite(TOKENS))).isInstanceOf(IOException.class);
    assertThat(raw.hget(tokensKey(), "t")).as("nothing overwritten").isEqualTo(value);

    RedisTokenStore plain = store(b -> b);
    assertThat(catchThrowable(plain::read)).hasMessageContaining("is encrypted; configure its encryption key");

    raw.hset(tokensKey(), "t", value.substring(0, value.length() - 4) + "AAAA");
    assertThat(catchThrowable(sealed::read)).hasMessageContaining("wrong encryption key, or the value was changed");
  }

  @Test
  void aValueMovedFromAnotherSessionsKeyDoesNotDecrypt() throws IOException {
    store(b -> b.encryptionKey(KEY)).replace(0, TOKENS);
    String value = raw.hget(tokensKey(), "t");
    String otherSession = LocalRedis.uniqueSession();
    try {
      raw.hset("silent-refresh:{" + otherSession + "}:tokens", java.util.Map.of("v", "1", "t", value));
      RedisTokenStore other = RedisTokenStore.builder(client, otherSession).encryptionKey(KEY).build();
      stores.add(other);
      assertThat(catchThrowable(other::read)).hasMessageContaining("moved from another key");
    } finally {
      LocalRedis.delete(client, otherSession);
    }
  }

  @Test
  void garbageAForeignFormatOrAnotherTypeIsAClearErrorNeverAnEmptySession() throws IOException {
    RedisTokenStore s = store(b -> b);
    raw.hset(tokensKey(), java.util.Map.of("v", "7", "t", "hello"));
    assertThat(catchThrowable(s::read)).hasMessageContaining("not a Silent Refresh session (not JSON)");
    raw.hset(tokensKey(), "t", "{\"accessToken\":\"x\"}");
    assertThat(catchThrowable(s::read)).hasMessageContaining("no \"format\"");
    raw.hset(tokensKey(), "t", "{\"format\":\"silent-refresh.tokens/1\",\"accessToken\":42}");
    assertThat(catchThrowable(s::read)).hasMessageContaining("is damaged").hasMessageContaining("accessToken");
    assertThat(catchThrowable(() -> s.overwrite(TOKENS))).as("a sign-in never replaces what it cannot read")
        .isInstanceOf(IOException.class);
    assertThat(raw.hget(tokensKey(), "t")).contains("42");

    raw.hset(tokensKey(), java.util.Map.of("v", "not-a-number"));
    raw.hdel(tokensKey(), "t");
    assertThat(catchThrowable(s::read)).hasMessageContaining("no version");

    raw.del(tokensKey());
    raw.set(tokensKey(), "someone else's string");
    assertThat(catchThrowable(s::read)).hasMessageContaining("another type");
    assertThat(catchThrowable(() -> s.replace(0, TOKENS))).hasMessageContaining("another type");
    assertThat(raw.get(tokensKey())).isEqualTo("someone else's string");
  }

  @Test
  void anUnreachableRedisIsAClearErrorNamingItsAddress() {
    Throwable t = catchThrowable(() -> RedisTokenStore.builder("redis://127.0.0.1:1", "x").build());
    assertThat(t).isInstanceOf(IllegalStateException.class).hasMessageStartingWith("cannot reach Redis at redis://127.0.0.1:1");
    assertThat(catchThrowable(() -> RedisTokenStore.builder(client, "has\ttab"))).hasMessageContaining("session name has a control character at index 3");
    assertThat(catchThrowable(() -> RedisTokenStore.builder(client, ""))).hasMessageContaining("session name must be 1 to 200");
    assertThat(catchThrowable(() -> RedisTokenStore.builder(client, "x").encryptionKey(new SecretKeySpec(new byte[5], "AES"))))
        .hasMessageContaining("128, 192 or 256 bits");
  }

  @Test
  void theLockIsExclusiveReleasedOnlyByItsOwnerAndLapsesWithItsLease() throws Exception {
    RedisTokenStore a = store(b -> b.lease(Duration.ofMillis(500)));
    RedisTokenStore b = store(x -> x.lease(Duration.ofMillis(500)));
    RefreshLock.Lease held = a.acquire(Duration.ZERO);
    assertThat(held).isNotNull();
    assertThat(b.acquire(Duration.ZERO)).as("taken").isNull();
    held.close();
    held.close(); // harmless
    RefreshLock.Lease second = b.acquire(Duration.ZERO);
    assertThat(second).isNotNull();
    held.close(); // a stale lease never releases the new owner's lock
    assertThat(a.acquire(Duration.ZERO)).isNull();
    second.close();

    // a holder that stops renewing (a dead process): the lock lapses with the lease and another takes over
    String lockKey = "silent-refresh:{" + session + "}:lock";
    raw.psetex(lockKey, 300, "a-dead-owner");
    RefreshLock.Lease takeover = b.acquire(Duration.ofSeconds(20));
    assertThat(takeover).isNotNull();
    takeover.close();
  }

  @Test
  void aHeldLockIsRenewedPastItsLease() throws Exception {
    RedisTokenStore a = store(b -> b.lease(Duration.ofMillis(1500)));
    RedisTokenStore b = store(x -> x);
    RefreshLock.Lease held = a.acquire(Duration.ZERO);
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4000);
    while (System.nanoTime() < until) {
      assertThat(b.acquire(Duration.ofMillis(200))).as("still held while renewed").isNull();
    }
    held.close();
    assertThat(b.acquire(Duration.ofSeconds(5))).isNotNull().satisfies(RefreshLock.Lease::close);
  }

  @Test
  void aWaiterIsWokenByTheReleaseNotByItsPoll() throws Exception {
    RedisTokenStore a = store(b -> b);
    RedisTokenStore b = store(x -> x.pollInterval(Duration.ofSeconds(60)));
    RefreshLock.Lease held = a.acquire(Duration.ZERO);
    CompletableFuture<RefreshLock.Lease> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return b.acquire(Duration.ofSeconds(50));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(100)).until(() -> true); // let it start waiting
    long released = System.nanoTime();
    held.close();
    RefreshLock.Lease got = waiting.get(40, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - released)).as("woken by the message, well before the 60 s poll")
        .isLessThan(Duration.ofSeconds(30));
    got.close();
  }
}
