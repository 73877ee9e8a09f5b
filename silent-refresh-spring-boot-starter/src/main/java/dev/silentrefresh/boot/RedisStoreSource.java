package dev.silentrefresh.boot;

import dev.silentrefresh.TokenStore;

/**
 * Where sessions with {@code store.type: redis} get their stores: the application's Redis ({@link SilentRefreshRedis}).
 * An interface of its own so that the sessions need no Redis class when the application has no Redis.
 */
interface RedisStoreSource {
  /**
   * The store of the session called {@code session} in Redis (the same name in every process sharing it).
   *
   * @throws RedisUnavailableException Redis cannot be reached (at the first call, which connects)
   */
  TokenStore forSession(String session);
}
