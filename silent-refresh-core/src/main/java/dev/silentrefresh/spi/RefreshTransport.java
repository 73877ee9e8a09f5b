package dev.silentrefresh.spi;

import java.util.concurrent.CompletableFuture;

/**
 * The one thing an adapter supplies to refresh: execute a plain HTTP request built by core and
 * return its reply. The request must not pass through the refreshing interceptor or filter, so a
 * refresh can never trigger a refresh. Any HTTP status is a reply, not a failure; complete the
 * future exceptionally only when no reply was received.
 */
@FunctionalInterface
public interface RefreshTransport {
  /**
   * Sends {@code request}. Read at most {@link RefreshRequest#maxReplyBytes()} {@code + 1} bytes of
   * the body (see {@link RefreshReply#readBounded}); core rejects a longer one.
   */
  CompletableFuture<RefreshReply> execute(RefreshRequest request);
}
