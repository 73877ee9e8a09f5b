package dev.silentrefresh.boot;

/**
 * The Redis that sessions with {@code store.type: redis} use cannot be reached at start-up (or is not one this
 * starter can use). The message names its address and the {@code spring.data.redis.*} settings; start-up stops
 * with Spring Boot's report ({@link RedisUnavailableFailureAnalyzer}).
 */
public final class RedisUnavailableException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String address;

  RedisUnavailableException(String address, String problem, Throwable cause) {
    super("silent-refresh: Redis at " + address + " (spring.data.redis.*): " + problem, cause);
    this.address = address;
  }

  /** Where Redis was looked for, {@code host:port}. */
  public String address() {
    return address;
  }
}
