package dev.silentrefresh.conformance;

import dev.silentrefresh.TokenSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Sends requests through one adapter built over a {@link TokenSessions}, each as the user (session key) it names,
 * in one of the ways the adapter offers (a request attribute or tag, the calling thread's key, …). Failures are
 * thrown as the adapter surfaces them, unwrapped to IOException, as {@link Caller}'s.
 */
public interface UsersCaller {
  /** The ways a request can name its user with this adapter, e.g. {@code tag}, {@code thread}. */
  List<String> ways();

  /** Sends GET {@code uri} as {@code user} (null: naming none), named in {@code way}; blocks. */
  CallReply get(String way, @Nullable String user, URI uri) throws IOException;

  /**
   * As {@link #get}, never blocking the caller: adapters with a non-blocking API use it (naming the user on the
   * calling thread where the way is the thread's key); the default runs {@link #get} on a new thread.
   */
  default CompletableFuture<CallReply> getAsync(String way, @Nullable String user, URI uri) {
    Caller onNewThread = (method, target, contentType, body) -> get(way, user, target);
    return onNewThread.getAsync(uri);
  }

  /** {@link #get}, as a lambda. */
  interface Get {
    CallReply get(String way, @Nullable String user, URI uri) throws IOException;
  }

  /** {@link #getAsync}, as a lambda. */
  interface GetAsync {
    CompletableFuture<CallReply> getAsync(String way, @Nullable String user, URI uri);
  }

  /** A caller naming users in {@code ways}, sending with {@code get}; its asynchronous calls run it on new threads. */
  static UsersCaller of(List<String> ways, Get get) {
    return of(ways, get, null);
  }

  /** As {@link #of(List, Get)}, with the adapter's own non-blocking calls when {@code getAsync} is not null. */
  static UsersCaller of(List<String> ways, Get get, @Nullable GetAsync getAsync) {
    return new UsersCaller() {
      @Override
      public List<String> ways() {
        return ways;
      }

      @Override
      public CallReply get(String way, @Nullable String user, URI uri) throws IOException {
        return get.get(way, user, uri);
      }

      @Override
      public CompletableFuture<CallReply> getAsync(String way, @Nullable String user, URI uri) {
        return getAsync == null ? UsersCaller.super.getAsync(way, user, uri) : getAsync.getAsync(way, user, uri);
      }
    };
  }

  /** A blocking call that may fail with an IOException. */
  interface IoCall<T> {
    T call() throws IOException;
  }

  /** Runs {@code call} on this thread with {@code user} as its session key ({@link TokenSessions#callAs}); none when null. */
  static <T> T asThreadUser(@Nullable String user, IoCall<T> call) throws IOException {
    if (user == null) return call.call();
    try {
      return TokenSessions.callAs(user, call::call);
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new UncheckedIOException(new IOException(e)); // unreachable: call throws only IOException
    }
  }

  /** Starts {@code call} on this thread with {@code user} as its session key (none when null). */
  static <T> CompletableFuture<T> startAsThreadUser(@Nullable String user, Supplier<CompletableFuture<T>> call) {
    if (user == null) return call.get();
    try {
      return TokenSessions.callAs(user, call::get);
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
