package dev.silentrefresh.spi;

import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Serialises the refreshes of one session across everything that shares its store: other sessions in
 * this JVM, other processes, a fleet. Core takes it before a refresh, re-reads the store, adopts the
 * tokens if the store moved (someone else refreshed), else refreshes and writes, then releases it.
 * {@code TokenStore.file} brings one (an OS file lock); a Redis store brings a fleet-wide one.
 *
 * <p>Threads: {@link #acquire} is called on the session's executor and may block up to its timeout;
 * {@link Lease#close()} may be called from any thread.
 */
public interface RefreshLock {
  /**
   * Takes the lock, waiting at most {@code timeout}.
   *
   * @return the held lease, or null when the lock was not free within {@code timeout}
   * @throws CoordinationUnavailableException when the coordinator cannot be reached and the session may refresh
   *     alone (core falls back to its own single flight until it answers again)
   * @throws IOException when the lock cannot be taken at all (core fails that refresh, session kept)
   */
  @Nullable Lease acquire(Duration timeout) throws IOException, InterruptedException;

  /** A held lock. Closing it releases it; closing twice is harmless. */
  interface Lease extends AutoCloseable {
    @Override
    void close();
  }
}
