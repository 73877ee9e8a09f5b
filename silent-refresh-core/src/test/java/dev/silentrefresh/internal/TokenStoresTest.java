package dev.silentrefresh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class TokenStoresTest {
  @TempDir static Path dir;
  private static int files;

  static Stream<TokenStore> stores() {
    return Stream.of(TokenStore.inMemory(), TokenStore.file(dir.resolve("s" + (files++) + "/session.json")));
  }

  private static final Tokens A = Tokens.builder().accessToken("a1").refreshToken("r1")
      .expiresAt(Instant.parse("2026-01-01T00:00:00Z")).build();
  private static final Tokens B = Tokens.of("a2", null);

  @ParameterizedTest
  @MethodSource("stores")
  void writesAreCompareAndSetOnTheVersion(TokenStore store) throws IOException {
    StoredTokens empty = store.read();
    assertThat(empty.isPresent()).isFalse();
    StoredTokens one = store.replace(empty.version(), A);
    assertThat(one.version()).isEqualTo(empty.version() + 1);
    assertThat(store.read().tokens()).isEqualTo(A);
    assertThat(store.replace(empty.version(), B)).as("stale version").isNull();
    assertThat(store.clear(empty.version())).as("stale version").isNull();
    assertThat(store.read().tokens()).isEqualTo(A);
    StoredTokens two = store.replace(one.version(), B);
    assertThat(store.read().tokens()).isEqualTo(B);
    StoredTokens cleared = store.clear(two.version());
    assertThat(cleared.isPresent()).isFalse();
    assertThat(store.read().version()).isEqualTo(cleared.version()).isGreaterThan(two.version());
  }

  @ParameterizedTest
  @MethodSource("stores")
  void concurrentWritersAtTheSameVersionHaveExactlyOneWinner(TokenStore store) throws Exception {
    long v = store.replace(store.read().version(), A).version();
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<StoredTokens>> results = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Tokens mine = Tokens.of("a-" + i, "r-" + i);
      results.add(pool.submit(() -> {
        start.await();
        return store.replace(v, mine);
      }));
    }
    start.countDown();
    int winners = 0;
    for (Future<StoredTokens> f : results) if (f.get() != null) winners++;
    pool.shutdown();
    assertThat(winners).isEqualTo(1);
    assertThat(store.read().version()).isEqualTo(v + 1);
  }

  @Test
  void fileStoreSurvivesANewInstanceAndIsOwnerOnly() throws IOException {
    Path file = dir.resolve("persist/session.json");
    TokenStore.file(file).replace(0, A);
    assertThat(TokenStore.file(file).read().tokens()).isEqualTo(A);
    if (Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class) != null) {
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
    assertThat(TokenStore.file(file).toString()).doesNotContain("a1");
  }

  @Test
  void aCorruptFileIsReportedWithoutItsContents() throws IOException {
    Path file = dir.resolve("corrupt.json");
    Files.write(file, "{\"version\":1,\"accessToken\":\"SECRET-TOKEN".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> TokenStore.file(file).read())
        .isInstanceOf(IOException.class).hasMessageContaining("not valid JSON").hasMessageNotContaining("SECRET");
    Files.write(file, "{\"accessToken\":\"SECRET\"}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> TokenStore.file(file).read()).hasMessageContaining("no \"version\" that is a whole number");
    Files.write(file, "{\"version\":2,\"accessToken\":7}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> TokenStore.file(file).read()).hasMessageContaining("\"accessToken\" is a number");
    assertThat(Files.readAllBytes(file)).as("left as it was").isEqualTo("{\"version\":2,\"accessToken\":7}".getBytes(StandardCharsets.UTF_8));
  }
}
