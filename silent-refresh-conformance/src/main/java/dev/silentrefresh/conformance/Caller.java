package dev.silentrefresh.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Sends requests through one adapter. Failures are thrown as the adapter surfaces them, unwrapped to IOException. */
public interface Caller {
  CallReply send(String method, URI uri, String contentType, byte[] body) throws IOException;

  default CallReply get(URI uri) throws IOException {
    return send("GET", uri, null, null);
  }

  /**
   * Sends without blocking the caller. Adapters with a non-blocking API use it; the default runs the
   * blocking call on a new thread. The future fails with the adapter's IOException.
   */
  default CompletableFuture<CallReply> getAsync(URI uri) {
    CompletableFuture<CallReply> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(get(uri));
      } catch (IOException e) {
        f.completeExceptionally(e);
      } catch (RuntimeException e) {
        f.completeExceptionally(e instanceof UncheckedIOException ? e.getCause() : e);
      }
    }, "caller-async");
    t.setDaemon(true);
    t.start();
    return f;
  }
}
