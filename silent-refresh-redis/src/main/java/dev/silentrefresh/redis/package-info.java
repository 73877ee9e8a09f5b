/**
 * Silent Refresh on Redis: {@link dev.silentrefresh.redis.RedisTokenStore}, a token store and refresh lock
 * shared by every process of a fleet, so that one of them refreshes per expiry and the others adopt its tokens.
 */
@NullMarked
package dev.silentrefresh.redis;

import org.jspecify.annotations.NullMarked;
