package dev.silentrefresh.testkit;

/** The three kinds of requests an {@link AuthServer} answers; used to aim latency and faults. */
public enum Endpoint {
  /** Username/password login. */
  LOGIN,
  /** Refresh-token exchange. */
  REFRESH,
  /** The protected API under {@code /api/}. */
  API
}
