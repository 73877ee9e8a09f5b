package dev.silentrefresh.cli;

import dev.silentrefresh.RefreshTransport;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** An HTTP client adapter as the demo drives it. */
interface DemoClient extends AutoCloseable {
  String name();

  /** The adapter's plain refresh transport. */
  RefreshTransport transport();

  /** A caller sending through the adapter with {@code session}. */
  Caller caller(TokenSession session);

  @Override
  default void close() {}

  /** Sends GET requests through the adapter. */
  interface Caller {
    Reply get(URI uri) throws IOException;

    /** Without blocking the caller where the client can; failures complete the future exceptionally. */
    CompletableFuture<Reply> getAsync(URI uri);
  }

  record Reply(int status, String body) {}

  /** The clients the demo knows, by CLI name. */
  enum Kind {
    JDK("jdk");

    final String id;

    Kind(String id) {
      this.id = id;
    }

    DemoClient create() {
      switch (this) {
        case JDK: return new JdkDemoClient();
        default: throw new IllegalStateException(id);
      }
    }

    static List<Kind> parse(String value) {
      if (value.equalsIgnoreCase("all")) return Arrays.asList(values());
      for (Kind k : values()) if (k.id.equals(value.toLowerCase(Locale.ROOT))) return List.of(k);
      throw new IllegalArgumentException("unknown client '" + value + "'; expected one of: " + ids() + ", all");
    }

    static String ids() {
      return Arrays.stream(values()).map(k -> k.id).collect(Collectors.joining(", "));
    }
  }
}
