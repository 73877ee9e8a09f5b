package dev.silentrefresh;

import dev.silentrefresh.spi.RefreshReply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A transport whose failure quotes the refresh URL must not carry the token into core's exception. */
class SecretsTest {
  private static final Tokens TOKENS = Tokens.of("ACCESS-secret", "REFRESH/secret+1");

  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }

  @Test
  void aFailureQuotingTheRefreshUrlIsReplacedWithARedactedOne() throws Exception {
    // The failure a client might produce: the URL (token percent-encoded in the path) in a cause and a suppressed trace.
    IOException quoting = new IOException("connection reset",
        new IOException("POST https://a.test/refreshJwt/REFRESH%2Fsecret%2B1 failed"));
    quoting.addSuppressed(new RuntimeException("Request to POST https://a.test/refreshJwt/REFRESH%2Fsecret%2B1"));
    TokenSession session = TokenSession.builder(Dialect.code50014(URI.create("https://a.test/refreshJwt/")),
        request -> {
          CompletableFuture<RefreshReply> f = new CompletableFuture<>();
          f.completeExceptionally(quoting);
          return f;
        }).retry(1, java.time.Duration.ZERO, java.time.Duration.ZERO).build();
    session.signIn(TOKENS);
    Throwable error = catchThrowable(() -> dev.silentrefresh.spi.SessionCalls.of(session).refreshAfterRejection(TOKENS).get(5, TimeUnit.SECONDS));
    assertThat(error.getCause()).isInstanceOf(RefreshFailedException.class);
    String printed = everything(error);
    assertThat(printed).contains("connection reset").contains("details withheld")
        .doesNotContain("REFRESH%2Fsecret%2B1").doesNotContain("REFRESH/secret+1").doesNotContain("ACCESS-secret");
  }

  @Test
  void aFailureThatQuotesNoTokenIsPassedOnAsItIs() {
    IOException plain = new IOException("connection refused");
    assertThat(Secrets.withoutTokens(plain, TOKENS)).isSameAs(plain);
    IOException raw = new IOException("token ACCESS-secret rejected");
    assertThat(Secrets.withoutTokens(raw, TOKENS).getMessage()).isEqualTo(
        "IOException: token <redacted> rejected (details withheld: the client's exception quoted a token)");
  }
}
