package dev.silentrefresh.spi;

/**
 * A {@link dev.silentrefresh.TokenStore} shared with other writers (other processes of a fleet) that can say
 * when one of them wrote. A session on such a store re-reads it when told, and takes what it holds when it moved
 * on: tokens another process refreshed, or a sign-out made elsewhere, reach it before its next request needs
 * them. Without it, a session learns of them at its next refresh.
 *
 * <p>Threads: the store calls the listener on a thread of its own (e.g. its client's event loop); the session
 * only hands the work to its executor there.
 */
public interface StoreChanges {
  /**
   * Calls {@code listener} whenever the store may have been written, by this process or another (a spurious
   * call is harmless).
   *
   * @return stops the calls when closed
   */
  AutoCloseable subscribe(Runnable listener);
}
