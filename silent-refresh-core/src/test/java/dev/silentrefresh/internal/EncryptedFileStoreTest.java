package dev.silentrefresh.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.StoredTokens;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenStore;
import dev.silentrefresh.Tokens;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token file, hardened: encrypted at rest (a key, or a KeyStore entry), every damaged or foreign file a clear error
 * naming the file and never an empty session, nothing overwritten by a failed read, a sign-in always able to replace
 * it, owner-only permissions, and a temporary file left by a killed write never read.
 */
class EncryptedFileStoreTest {
  private static final String ACCESS = "ACCESS-SECRET-0123456789";
  private static final String REFRESH = "REFRESH-SECRET-9876543210";
  private static final Tokens TOKENS = Tokens.builder().accessToken(ACCESS).refreshToken(REFRESH).build();
  private static final SecretKey KEY = new SecretKeySpec(new byte[32], "AES");
  private static final SecretKey OTHER_KEY = new SecretKeySpec(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}, "AES");

  @TempDir Path dir;

  private static String text(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  @Test
  void anEncryptedFileHoldsNoTokenInClearAndReadsBackWithItsKey() throws IOException {
    Path file = dir.resolve("tokens.json");
    StoredTokens written = TokenStore.file(file, KEY).replace(0, TOKENS);

    assertThat(text(file)).contains("\"format\":\"silent-refresh.token-file/1\"").contains("\"sealed\"")
        .doesNotContain(ACCESS).doesNotContain(REFRESH).doesNotContain("accessToken");
    StoredTokens read = TokenStore.file(file, KEY).read();
    assertThat(read.version()).isEqualTo(written.version());
    assertThat(read.tokens()).isEqualTo(TOKENS);
    assertThat(TokenStore.file(file, KEY).toString()).contains("AES-256-GCM").doesNotContain("AAAA");
    String first = text(file);
    TokenStore.file(file, KEY).replace(written.version(), TOKENS);
    assertThat(text(file)).as("a fresh nonce per write").isNotEqualTo(first);
  }

  @Test
  void aWrongKeyATamperedOrCutShortFileAndAMismatchedFormatAreClearErrorsThatOverwriteNothing() throws IOException {
    Path file = dir.resolve("tokens.json");
    TokenStore.file(file, KEY).replace(0, TOKENS);
    byte[] good = Files.readAllBytes(file);

    assertThatThrownBy(() -> TokenStore.file(file, OTHER_KEY).read()).isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("cannot be decrypted: wrong key");
    assertThatThrownBy(() -> TokenStore.file(file, OTHER_KEY).replace(1, TOKENS)).isInstanceOf(IOException.class);
    assertThat(Files.readAllBytes(file)).as("a failed read overwrites nothing").isEqualTo(good);

    assertThatThrownBy(() -> TokenStore.file(file).read()).hasMessageContaining("is encrypted; give the store its key");

    String json = new String(good, StandardCharsets.UTF_8);
    String sealed = json.replaceAll(".*\"sealed\":\"([^\"]+)\".*", "$1");
    byte[] raw = Base64.getDecoder().decode(sealed);
    raw[raw.length / 2] ^= 1;
    Files.writeString(file, json.replace(sealed, Base64.getEncoder().encodeToString(raw)));
    assertThatThrownBy(() -> TokenStore.file(file, KEY).read()).hasMessageContaining("cannot be decrypted");

    Files.write(file, java.util.Arrays.copyOf(good, good.length / 2));
    assertThatThrownBy(() -> TokenStore.file(file, KEY).read()).hasMessageContaining("not valid JSON");

    Files.writeString(file, "{\"version\":3,\"accessToken\":\"" + ACCESS + "\"}");
    assertThatThrownBy(() -> TokenStore.file(file, KEY).read()).hasMessageContaining("is not encrypted, but the store has a key")
        .hasMessageNotContaining(ACCESS);

    Files.writeString(file, "{\"format\":\"something-else\",\"sealed\":\"AAAA\"}");
    assertThatThrownBy(() -> TokenStore.file(file, KEY).read()).hasMessageContaining("unknown format");

    Files.write(file, new byte[0]);
    assertThatThrownBy(() -> TokenStore.file(file, KEY).read()).as("an empty file is not an empty session")
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void aSignInAlwaysReplacesAnUnreadableFile() throws IOException {
    Path file = dir.resolve("tokens.json");
    TokenStore.file(file, OTHER_KEY).replace(0, TOKENS);
    TokenSession session = TokenSession.builder(dev.silentrefresh.Dialect.oauth2(java.net.URI.create("https://auth.example.com/token"), "app"),
            request -> CompletableFuture.failedFuture(new IOException("no refresh in this test")))
        .store(TokenStore.file(file, KEY)).build();
    assertThatThrownBy(session::isSignedIn).isInstanceOf(IOException.class);

    session.signIn(TOKENS);
    assertThat(session.isSignedIn()).isTrue();
    assertThat(TokenStore.file(file, KEY).read().tokens()).isEqualTo(TOKENS);
  }

  @Test
  void theKeyMayComeFromAKeyStoreAndABadEntryIsAClearErrorWithoutThePassword() throws Exception {
    char[] password = "store-password-never-shown".toCharArray();
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setEntry("tokens", new KeyStore.SecretKeyEntry(KEY), new KeyStore.PasswordProtection(password));
    Path file = dir.resolve("tokens.json");

    TokenStore.file(file, ks, "tokens", password).replace(0, TOKENS);
    assertThat(TokenStore.file(file, KEY).read().tokens()).as("the same key").isEqualTo(TOKENS);

    assertThatThrownBy(() -> TokenStore.file(file, ks, "nope", password)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no entry 'nope'");
    assertThatThrownBy(() -> TokenStore.file(file, ks, "tokens", "wrong".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("wrong password")
        .hasMessageNotContaining("store-password");
    assertThatThrownBy(() -> TokenStore.file(file, new SecretKeySpec(new byte[10], "AES")))
        .hasMessageContaining("128, 192 or 256 bits");
    assertThatThrownBy(() -> TokenStore.file(file, new SecretKeySpec(new byte[16], "DES"))).hasMessageContaining("AES key");
  }

  @Test
  void theFileIsOwnerOnlyEvenWhenItWasWiderAndALeftoverTemporaryFileIsNeverRead() throws IOException {
    Path file = dir.resolve("tokens.json");
    boolean posix = Files.getFileAttributeView(dir, PosixFileAttributeView.class) != null;
    TokenStore.file(file).replace(0, TOKENS);
    if (posix) Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    Path leftover = dir.resolve("tokens.json.tmp");
    Files.writeString(leftover, "garbage from a write killed half way");

    assertThat(TokenStore.file(file).read().tokens()).isEqualTo(TOKENS);
    TokenStore.file(file).replace(1, TOKENS);
    assertThat(TokenStore.file(file).read().version()).isEqualTo(2);
    assertThat(Files.exists(leftover)).as("the next write replaced it").isFalse();
    if (posix) {
      assertThat(Files.getPosixFilePermissions(file))
          .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
  }

  @Test
  void aVersionThatIsNotAWholeNumberInRangeOrTrailingBytesAreClearErrorsAndASignInStillReplacesThem()
      throws IOException {
    Path file = dir.resolve("tokens.json");
    String body = "{\"version\":%s,\"accessToken\":\"" + ACCESS + "\",\"refreshToken\":\"" + REFRESH + "\"}";
    for (String version : new String[] {"-1", "1.5", "1e3", "9223372036854775808", "\"7\"", "null"}) {
      Files.writeString(file, String.format(body, version));
      assertThatThrownBy(() -> TokenStore.file(file).read()).as(version).isInstanceOf(IOException.class)
          .hasMessageContaining(file.toString()).hasMessageContaining("whole number")
          .hasMessageNotContaining(ACCESS).hasMessageNotContaining(REFRESH);
      assertThatThrownBy(() -> TokenStore.file(file).replace(1, TOKENS)).as(version).isInstanceOf(IOException.class);
      StoredTokens signedIn = TokenStore.file(file).overwrite(TOKENS);
      StoredTokens read = TokenStore.file(file).read();
      assertThat(read.version()).isEqualTo(signedIn.version());
      assertThat(read.tokens()).isEqualTo(TOKENS);
    }
    Files.writeString(file, String.format(body, "3") + "{\"version\":9}");
    assertThatThrownBy(() -> TokenStore.file(file).read()).isInstanceOf(IOException.class)
        .hasMessageContaining("not valid JSON");
    Files.writeString(file, String.format(body, Long.toString(Long.MAX_VALUE)));
    assertThat(TokenStore.file(file).read().version()).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> TokenStore.file(file).replace(Long.MAX_VALUE, TOKENS)).isInstanceOf(IOException.class)
        .hasMessageContaining("last version");
    assertThat(TokenStore.file(file).overwrite(TOKENS).version()).as("a sign-in restarts the count")
        .isPositive().isLessThan(Long.MAX_VALUE);
  }
}
