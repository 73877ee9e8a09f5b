package dev.silentrefresh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.silentrefresh.RecordedLog;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plain file store's hardening: owner-only files and directories, and a crash's leftovers never read. */
class FileTokenStoreTest {
  private static final Tokens TOKENS = Tokens.of("access-secret-0123456789", "refresh-secret-0123456789");

  @TempDir Path dir;
  private RecordedLog log;

  @BeforeEach
  void listen() {
    log = RecordedLog.of(TokenStore.class.getName());
  }

  @AfterEach
  void stopListening() {
    log.close();
  }

  private boolean posix() {
    return Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
  }

  @Test
  void aNewFileAndTheDirectoriesMadeForItAreOwnerOnly() throws IOException {
    assumeThat(posix()).as("POSIX permissions").isTrue();
    Path file = dir.resolve("made/for/it/session.json");
    TokenStore.file(file).replace(0, TOKENS);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("made")))).isEqualTo("rwx------");
  }

  @Test
  void aFileOthersCanReadIsMadeOwnerOnlyBeforeItIsReadAndSaidOnce() throws IOException {
    assumeThat(posix()).as("POSIX permissions").isTrue();
    Path file = dir.resolve("session.json");
    TokenStore store = TokenStore.file(file);
    store.replace(0, TOKENS);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThat(store.read().tokens()).isEqualTo(TOKENS);
    assertThat(store.read().tokens()).isEqualTo(TOKENS);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(log.messages(Level.WARNING)).hasSize(1);
    assertThat(log.messages(Level.WARNING).get(0)).contains(file.toString()).contains("rw-r--r--").contains("owner-only")
        .doesNotContain(TOKENS.accessToken()).doesNotContain(TOKENS.refreshToken());
  }

  @Test
  void aWriteOverAFileOthersCouldReadLeavesItOwnerOnly() throws IOException {
    assumeThat(posix()).as("POSIX permissions").isTrue();
    Path file = dir.resolve("session.json");
    Files.write(file, "{\"version\":3}".getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
    TokenStore.file(file).overwrite(TOKENS);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
  }

  /** A write killed after writing its temporary file and before the rename: the session is still the old file. */
  @Test
  void aTemporaryFileLeftByAKilledWriteIsNeverReadAndTheNextWriteReplacesIt() throws IOException {
    Path file = dir.resolve("session.json");
    TokenStore store = TokenStore.file(file);
    long version = store.replace(0, TOKENS).version();
    Path tmp = dir.resolve("session.json.tmp");
    Files.write(tmp, ("{\"version\":99,\"accessToken\":\"from-the-killed-write\"}").getBytes(StandardCharsets.UTF_8));

    assertThat(TokenStore.file(file).read().tokens()).isEqualTo(TOKENS);
    assertThat(TokenStore.file(file).read().version()).isEqualTo(version);

    Tokens next = Tokens.of("access-next-0123456789", "refresh-next-0123456789");
    assertThat(store.replace(version, next)).isNotNull();
    assertThat(tmp).doesNotExist();
    assertThat(store.read().tokens()).isEqualTo(next);
  }

  @Test
  void aHalfWrittenTemporaryFileIsIgnoredToo() throws IOException {
    Path file = dir.resolve("session.json");
    TokenStore store = TokenStore.file(file);
    store.replace(0, TOKENS);
    Files.write(dir.resolve("session.json.tmp"), "{\"version\":2,\"acce".getBytes(StandardCharsets.UTF_8));
    assertThat(store.read().tokens()).isEqualTo(TOKENS);
  }
}
