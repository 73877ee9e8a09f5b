/**
 * What adapters and stores implement or call: {@link dev.silentrefresh.spi.SessionCalls} (send a request
 * through a session), {@link dev.silentrefresh.spi.Exchange} (one request as core sees it),
 * {@link dev.silentrefresh.spi.RefreshTransport} with {@link dev.silentrefresh.spi.RefreshRequest} and
 * {@link dev.silentrefresh.spi.RefreshReply}, {@link dev.silentrefresh.spi.RefreshLock} (with
 * {@link dev.silentrefresh.spi.CoordinationUnavailableException}, which lets a session refresh alone while a
 * shared coordinator is down), {@link dev.silentrefresh.spi.StoreChanges}, and
 * {@link dev.silentrefresh.spi.SessionSelector} (which session of a {@code TokenSessions} a request goes through),
 * and {@link dev.silentrefresh.spi.TokenCipher} (AES-GCM for tokens at rest, as the built-in stores use it).
 *
 * <p>Threading contract for implementers: a {@code RefreshTransport} is called on the session's executor
 * and must not block it (return a future; run blocking clients on threads of your own), must apply
 * {@link dev.silentrefresh.spi.RefreshRequest#timeout()} itself, and must never let one session's slow
 * endpoint starve another session's refresh. An {@code Exchange} is called on the request's thread (or
 * the client's callback thread, for async sends). A {@code RefreshLock} may block in {@code acquire} (it
 * runs on the executor) up to its timeout.
 *
 * <p>Null-marked (JSpecify): nothing here accepts or returns null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.silentrefresh.spi;

import org.jspecify.annotations.NullMarked;
