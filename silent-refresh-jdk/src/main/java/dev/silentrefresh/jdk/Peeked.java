package dev.silentrefresh.jdk;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A reply body as the adapter holds it while core judges the reply: the bytes peeked for core (if
 * any), and the caller's body, made only when the reply goes to the caller.
 */
final class Peeked<T> {
  private final byte[] bytes;
  private final Supplier<CompletableFuture<T>> body;
  private final Runnable discard;

  Peeked(byte[] bytes, Supplier<CompletableFuture<T>> body, Runnable discard) {
    this.bytes = bytes;
    this.body = body;
    this.discard = discard;
  }

  /** A body already streaming into the caller's handler (nothing peeked). */
  static <T> Peeked<T> streamed(CompletableFuture<T> body) {
    return new Peeked<>(null, () -> body, () -> body.thenAccept(Peeked::close));
  }

  /** The start of the body peeked for core, or null (not peeked, or longer than the peek limit). */
  byte[] bytes() {
    return bytes;
  }

  /** The caller's body, as their handler makes it. Call once. */
  CompletableFuture<T> body() {
    return body.get();
  }

  /** Releases a body that will not reach the caller. */
  void discard() {
    discard.run();
  }

  private static void close(Object body) {
    if (body instanceof AutoCloseable) {
      try {
        ((AutoCloseable) body).close();
      } catch (Exception ignored) {
        // nothing more to release
      }
    }
  }
}
