package dev.silentrefresh.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.Tokens;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedisTokenStoresTest {
  private static final Tokens TOKENS = Tokens.builder().accessToken("a-secret").refreshToken("r-secret").build();

  private RedisClient client;
  private String prefix;
  private StatefulRedisConnection<String, String> raw;

  @BeforeEach
  void start() {
    client = LocalRedis.client();
    prefix = "test-" + UUID.randomUUID() + ":";
    raw = client.connect();
  }

  @AfterEach
  void stop() {
    if (raw != null) {
      java.util.List<String> keys = raw.sync().keys(prefix + "*");
      if (!keys.isEmpty()) raw.sync().del(keys.toArray(new String[0]));
      raw.close();
    }
    if (client != null) client.shutdown();
  }

  @Test
  void anyUserIdIsItsOwnKeyAndNoneBreaksTheHashTag() throws Exception {
    try (RedisTokenStores stores = RedisTokenStores.builder(client).keyPrefix(prefix).build()) {
      stores.forSession("alice@example.com").overwrite(TOKENS);
      stores.forSession("alice%40example.com").overwrite(TOKENS);
      stores.forSession("x}{y").overwrite(TOKENS);
      stores.forSession("Zoë").overwrite(TOKENS);
      assertThat(raw.sync().keys(prefix + "*")).containsExactlyInAnyOrder(
          prefix + "{alice%40example.com}:tokens",
          prefix + "{alice%2540example.com}:tokens",
          prefix + "{x%7D%7By}:tokens",
          prefix + "{Zo%C3%AB}:tokens");
      assertThat(stores.forSession("alice@example.com").read().tokens().refreshToken()).isEqualTo("r-secret");
      assertThat(catchThrowable(() -> stores.forSession("a\nb"))).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("control character at index 1");
      assertThat(catchThrowable(() -> stores.forSession("x".repeat(201)))).hasMessageContaining("1 to 200");
      assertThat(stores.toString()).doesNotContain("secret");
    }
  }

  @Test
  void storesShareOneConnectionAndSubscribeOnlyWhileListenedTo() throws Exception {
    try (RedisTokenStores stores = RedisTokenStores.builder(client).keyPrefix(prefix).build()) {
      RedisTokenStore a = stores.forSession("a");
      RedisTokenStore b = stores.forSession("b");
      assertThat(stores.subscribedChannels()).isZero();
      AutoCloseable first = a.subscribe(() -> {});
      AutoCloseable second = a.subscribe(() -> {});
      AutoCloseable other = b.subscribe(() -> {});
      assertThat(stores.subscribedChannels()).isEqualTo(2);
      first.close();
      first.close(); // twice is harmless
      assertThat(stores.subscribedChannels()).as("a still has a listener").isEqualTo(2);
      second.close();
      assertThat(stores.subscribedChannels()).isEqualTo(1);
      b.close(); // closing one store stops its messages, not the shared connection
      other.close();
      assertThat(stores.subscribedChannels()).isZero();
      a.overwrite(TOKENS);
      assertThat(a.read().tokens().accessToken()).isEqualTo("a-secret");
    }
  }
}
