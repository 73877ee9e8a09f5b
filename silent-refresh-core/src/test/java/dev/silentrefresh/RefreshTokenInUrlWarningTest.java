package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A dialect that puts the refresh token in a URL gets one warning naming the risk; others get none. */
class RefreshTokenInUrlWarningTest {
  private static final Logger LOG = Logger.getLogger(TokenSession.class.getName());
  private final List<LogRecord> records = new ArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      synchronized (records) {
        records.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void capture() {
    LOG.addHandler(handler);
  }

  @AfterEach
  void release() {
    LOG.removeHandler(handler);
  }

  private List<String> warnings() {
    synchronized (records) {
      return records.stream().filter(r -> r.getLevel() == Level.WARNING).map(LogRecord::getMessage)
          .filter(m -> m.contains("refresh URL")).toList();
    }
  }

  private static TokenSession session(Dialect dialect) throws IOException {
    TokenSession s = TokenSession.builder(dialect, request -> CompletableFuture.failedFuture(new IOException("unused")))
        .build();
    s.signIn(Tokens.builder().accessToken("access-123").refreshToken("refresh-456").build());
    return s;
  }

  @Test
  void aDialectWithTheRefreshTokenInItsUrlWarnsOncePerDialectNamingTheRiskAndNoToken() throws IOException {
    Dialect inUrl = Dialect.code50014(URI.create("https://api.example.com/refreshJwt/"));
    session(inUrl);
    session(inUrl);
    assertThat(warnings()).hasSize(1);
    assertThat(warnings().get(0)).contains("code-50014").contains("access logs").doesNotContain("refresh-456");
  }

  @Test
  void code401PutsItInTheQueryAndWarnsToo() throws IOException {
    session(Dialect.code401(URI.create("https://api.example.com/refresh")));
    assertThat(warnings()).singleElement().asString().contains("code-401");
  }

  @Test
  void dialectsThatKeepItOutOfTheUrlSayNothing() throws IOException {
    session(Dialect.oauth2(URI.create("https://auth.example.com/token"), "app"));
    session(Dialect.putBearer(URI.create("https://api.example.com/token")));
    session(Dialect.code1002(URI.create("https://api.example.com/renew"), "cred"));
    assertThat(warnings()).isEmpty();
  }
}
