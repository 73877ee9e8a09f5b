package dev.silentrefresh;

import static dev.silentrefresh.HostileInput.NOW;
import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.Script.Api;
import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The token file format, through its public entry points only ({@link TokenStore#file} and a session
 * over it): whatever bytes the file holds — what the store writes, mutated; fields of every type,
 * versions and instants out of range; random bytes — reading gives tokens or an {@link IOException},
 * never another exception and never a message quoting a token; a sign-in still overwrites it; and a
 * session over it returns replies or fails with its documented exceptions.
 */
class TokenFileFuzzTest {
  private static final List<String> VERSIONS = Arrays.asList("1", "42", "0", "-1", "9223372036854775807",
      "9223372036854775808", "1.5", "1e999999", "\"3\"", "null", "{}", "[]", "true", "-0");
  private static final List<String> INSTANTS = Arrays.asList("\"+1000000000-12-31T23:59:59.999999999Z\"",
      "\"-1000000000-01-01T00:00:00Z\"", "\"2026-13-45T25:61:00Z\"", "\"2026-11-22T10:00:00\"", "1764000000",
      "null", "\"\"", "\"1970-01-01T00:00:00Z\"");

  @TempDir
  Path dir;

  /** A token file: the store's own layout with each field valid or hostile, then perhaps mutated, or random bytes. */
  static byte[] content(SplittableRandom r, List<String> secrets) {
    if (r.nextInt(10) == 0) return HostileInput.bytes(r, 4096);
    StringBuilder s = new StringBuilder("{");
    if (r.nextInt(8) != 0) s.append("\"version\":").append(r.nextBoolean() ? Integer.toString(1 + r.nextInt(1000)) : HostileInput.pick(r, VERSIONS));
    for (String field : new String[] {"accessToken", "refreshToken"}) {
      if (r.nextInt(6) == 0) continue;
      String value;
      if (r.nextInt(3) != 0) {
        String secret = HostileInput.secret(r);
        secrets.add(secret);
        value = HostileInput.quote(secret);
      } else {
        value = HostileInput.scalar(r, secrets);
      }
      s.append(s.length() > 1 ? "," : "").append('"').append(field).append("\":").append(value);
    }
    for (String field : new String[] {"expiresAt", "refreshExpiresAt"}) {
      if (r.nextBoolean()) continue;
      String value = r.nextBoolean() ? '"' + NOW.plusSeconds(r.nextInt(-100_000, 100_000)).toString() + '"' : HostileInput.pick(r, INSTANTS);
      s.append(s.length() > 1 ? "," : "").append('"').append(field).append("\":").append(value);
    }
    String json = s.append('}').toString();
    switch (r.nextInt(8)) {
      case 0: case 1: return HostileInput.mutate(r, json.getBytes(StandardCharsets.UTF_8));
      case 2: return HostileInput.nested(r, json).getBytes(StandardCharsets.UTF_8);
      default: return json.getBytes(StandardCharsets.UTF_8);
    }
  }

  @Test
  void aTokenFileOfAnyContentReadsAsTokensOrAnIOExceptionAndASessionOverItKeepsItsContract() {
    Path file = dir.resolve("session.json"); // one path: the store keeps a lock per path for the JVM's life
    Fuzz.check("token file", 1000, t -> {
      SplittableRandom r = t.random;
      List<String> secrets = new ArrayList<>();
      byte[] content = content(r, secrets);
      t.note("file", content);
      Files.write(file, content);
      TokenStore store = TokenStore.file(file);

      StoredTokens read = readOrNull(store, secrets);
      StoredTokens again = readOrNull(store, secrets);
      assertThat(again == null ? null : again.toString()).isEqualTo(read == null ? null : read.toString());
      if (read != null) LeakCheck.assertNoSecretIn(secrets, read, read.tokens());

      switch (r.nextInt(10)) {
        case 0: {
          Tokens tokens = Tokens.of(HostileInput.secret(r), HostileInput.secret(r));
          store.overwrite(tokens);
          assertThat(store.read().tokens()).isEqualTo(tokens);
          break;
        }
        case 1: case 2: sendThroughASession(store, secrets); break;
        default: break;
      }
    });
  }

  private static StoredTokens readOrNull(TokenStore store, List<String> secrets) {
    try {
      return store.read();
    } catch (IOException e) {
      LeakCheck.assertNoSecretIn(secrets, e);
      return null;
    }
  }

  /** One request through a session whose store is this file: a reply, or one of the exceptions its contract names. */
  private static void sendThroughASession(TokenStore store, List<String> secrets) {
    Api api = new Api();
    api.accepts = token -> false; // every request needs a refresh, read from and written to the file
    TokenSession session = TokenSession.builder(Script.DIALECT, new Script.Transport()).store(store)
        .clock(new Script.TestClock()).scope(Script.API).retry(1, Duration.ZERO, Duration.ZERO)
        .refreshDeadline(Duration.ofSeconds(30)).build();
    try {
      session.isSignedIn();
      SessionCalls.of(session).execute(Script.API, api.blocking());
    } catch (IOException e) {
      LeakCheck.assertNoSecretIn(secrets, e);
    } finally {
      session.release();
    }
  }
}
