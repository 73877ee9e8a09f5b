package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.silentrefresh.leakcheck.IssuedSecrets;
import dev.silentrefresh.spi.RefreshReply;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code TokenStore.file(path, key)}: AES-GCM at rest. Every way the file can be wrong is its own error naming the
 * file and no secret; a failed read writes nothing; a sign-in always replaces the file.
 */
class EncryptedFileStoreTest {
  private static final Tokens TOKENS = Tokens.builder().accessToken("access-secret-0123456789")
      .refreshToken("refresh-secret-0123456789").expiresAt(Instant.parse("2026-01-01T00:00:00Z")).build();
  private static final SecretKey KEY = aesKey(1);

  static {
    IssuedSecrets.record(TOKENS.accessToken()); // and the run's leak check looks for them in every log line
    IssuedSecrets.record(TOKENS.refreshToken());
  }
  private static final SecretKey OTHER_KEY = aesKey(2);

  @TempDir Path dir;

  private static SecretKey aesKey(int seed) {
    byte[] bits = new byte[32];
    Arrays.fill(bits, (byte) seed);
    return new SecretKeySpec(bits, "AES");
  }

  private Path sealedFile() throws IOException {
    Path file = dir.resolve("session.bin");
    TokenStore.file(file, KEY).replace(0, TOKENS);
    return file;
  }

  /** What reading {@code file} through {@code store} throws, checked to name the file and no secret. */
  private static Throwable readError(TokenStore store, Path file) {
    Throwable error = catchThrowable(store::read);
    assertThat(error).isInstanceOf(IOException.class);
    assertThat(error.getMessage()).contains(file.toString())
        .doesNotContain(TOKENS.accessToken()).doesNotContain(TOKENS.refreshToken());
    return error;
  }

  @Test
  void roundTripsAndNoTokenIsReadableInTheFile() throws IOException {
    Path file = sealedFile();
    assertThat(TokenStore.file(file, KEY).read().tokens()).isEqualTo(TOKENS);
    String onDisk = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(onDisk).startsWith("SRTF").doesNotContain("secret").doesNotContain("accessToken");
    assertThat(TokenStore.file(file, KEY).toString()).contains("encrypted").doesNotContain(Arrays.toString(KEY.getEncoded()));
  }

  @Test
  void everyWriteHasAFreshNonce() throws IOException {
    Path a = dir.resolve("a.bin");
    Path b = dir.resolve("b.bin");
    TokenStore.file(a, KEY).replace(0, TOKENS);
    TokenStore.file(b, KEY).replace(0, TOKENS);
    assertThat(Files.readAllBytes(a)).hasSameSizeAs(Files.readAllBytes(b)).isNotEqualTo(Files.readAllBytes(b));
  }

  @Test
  void aKeyFromAPkcs12KeyStoreRoundTrips() throws Exception {
    SecretKey generated = KeyGenerator.getInstance("AES").generateKey();
    char[] password = "store-password".toCharArray();
    KeyStore written = KeyStore.getInstance("PKCS12");
    written.load(null, null);
    written.setEntry("tokens", new KeyStore.SecretKeyEntry(generated), new KeyStore.PasswordProtection(password));
    ByteArrayOutputStream p12 = new ByteArrayOutputStream();
    written.store(p12, password);

    KeyStore loaded = KeyStore.getInstance("PKCS12");
    loaded.load(new ByteArrayInputStream(p12.toByteArray()), password);
    Path file = dir.resolve("session.bin");
    TokenStore.file(file, loaded, "tokens", password).replace(0, TOKENS);
    assertThat(TokenStore.file(file, generated).read().tokens()).isEqualTo(TOKENS);
    assertThat(TokenStore.file(file, loaded, "tokens", password).read().tokens()).isEqualTo(TOKENS);

    assertThat(catchThrowable(() -> TokenStore.file(file, loaded, "missing", password)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key 'missing'");
    assertThat(catchThrowable(() -> TokenStore.file(file, loaded, "tokens", "wrong".toCharArray())))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong password");
  }

  @Test
  void keysThatAreNotAes128192Or256AreRefusedWithoutShowingThem() throws Exception {
    Path file = dir.resolve("session.bin");
    assertThat(catchThrowable(() -> TokenStore.file(file, new SecretKeySpec(new byte[5], "AES"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("128, 192 or 256 bits, not 40");
    assertThat(catchThrowable(() -> TokenStore.file(file, new SecretKeySpec(new byte[16], "HmacSHA256"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be an AES key");
    assertThat(catchThrowable(() -> TokenStore.file(file, KeyStore.getInstance("PKCS12"), "k", null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not loaded");
  }

  @Test
  void aWrongKeyIsItsOwnError() throws IOException {
    Path file = sealedFile();
    Throwable error = readError(TokenStore.file(file, OTHER_KEY), file);
    assertThat(error).hasMessageContaining("encrypted with another key");
  }

  @Test
  void aChangedByteIsItsOwnError() throws IOException {
    Path file = sealedFile();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 20] ^= 1;
    Files.write(file, bytes);
    Throwable error = readError(TokenStore.file(file, KEY), file);
    assertThat(error).hasMessageContaining("was changed after it was written").hasMessageContaining("authentication");
  }

  @Test
  void anAppendedByteIsAChangeToo() throws IOException {
    Path file = sealedFile();
    Files.write(file, new byte[] {0}, java.nio.file.StandardOpenOption.APPEND);
    assertThat(readError(TokenStore.file(file, KEY), file)).hasMessageContaining("was changed");
  }

  @Test
  void aTruncatedFileIsItsOwnErrorWhereverItWasCut() throws IOException {
    Path file = sealedFile();
    byte[] whole = Files.readAllBytes(file);
    for (int length : new int[] {0, 3, 5, 20, 40, whole.length - 1}) {
      Files.write(file, Arrays.copyOf(whole, length));
      Throwable error = readError(TokenStore.file(file, KEY), file);
      assertThat(error).as("cut at %d", length).hasMessageContaining("is truncated");
    }
  }

  @Test
  void aPlainFileReadWithAKeyIsRefused() throws IOException {
    Path file = dir.resolve("session.json");
    TokenStore.file(file).replace(0, TOKENS);
    Throwable error = readError(TokenStore.file(file, KEY), file);
    assertThat(error).hasMessageContaining("is not encrypted (plain JSON)").hasMessageContaining("refusing");
  }

  @Test
  void anEncryptedFileReadWithoutAKeyIsRefused() throws IOException {
    Path file = sealedFile();
    Throwable error = readError(TokenStore.file(file), file);
    assertThat(error).hasMessageContaining("is encrypted, but this store has no key");
  }

  @Test
  void anUnknownFormatVersionIsItsOwnError() throws IOException {
    Path file = sealedFile();
    byte[] bytes = Files.readAllBytes(file);
    bytes[4] = 9;
    Files.write(file, bytes);
    assertThat(readError(TokenStore.file(file, KEY), file)).hasMessageContaining("format version 9");
  }

  @Test
  void aFailedReadWritesNothing() throws IOException {
    Path file = sealedFile();
    byte[] sealedByKey = Files.readAllBytes(file);
    TokenStore wrongKey = TokenStore.file(file, OTHER_KEY);
    assertThatThrownBy(() -> wrongKey.replace(1, TOKENS)).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> wrongKey.clear(1)).isInstanceOf(IOException.class);
    assertThat(Files.readAllBytes(file)).isEqualTo(sealedByKey);
  }

  /** A wrong key, a changed byte, a truncated or plain file: a sign-in replaces it, and a sign-out clears it. */
  @Test
  void signInAlwaysReplacesAFileThatCannotBeRead() throws IOException {
    Path file = sealedFile();
    byte[] whole = Files.readAllBytes(file);
    byte[][] bad = {Arrays.copyOf(whole, 30), "{\"version\":1}".getBytes(StandardCharsets.UTF_8), flipLast(whole)};
    for (byte[] content : bad) {
      Files.write(file, content);
      TokenSession session = session(TokenStore.file(file, KEY));
      session.signIn(TOKENS);
      assertThat(TokenStore.file(file, KEY).read().tokens()).isEqualTo(TOKENS);
    }
    TokenStore.file(file, OTHER_KEY).overwrite(TOKENS);
    TokenSession session = session(TokenStore.file(file, KEY));
    session.signOut();
    assertThat(TokenStore.file(file, KEY).read().isPresent()).isFalse();
  }

  private static byte[] flipLast(byte[] bytes) {
    byte[] copy = bytes.clone();
    copy[copy.length - 1] ^= (byte) new SecureRandom().nextInt(1, 256);
    return copy;
  }

  private static TokenSession session(TokenStore store) {
    return TokenSession.builder(Dialect.oauth2(URI.create("https://auth.test/token"), "app"),
        request -> CompletableFuture.<RefreshReply>failedFuture(new IOException("no refresh in this test")))
        .store(store).build();
  }
}
