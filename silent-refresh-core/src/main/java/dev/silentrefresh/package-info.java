/**
 * What applications use: {@link dev.silentrefresh.TokenSession} and its builder,
 * {@link dev.silentrefresh.Dialect} and {@link dev.silentrefresh.Signal}, {@link dev.silentrefresh.Tokens},
 * {@link dev.silentrefresh.TokenStore}, {@link dev.silentrefresh.SessionListener},
 * {@link dev.silentrefresh.LoginHandler}, and the two exceptions a request can fail with.
 *
 * <p>Threading contract: {@code signIn}, {@code signOut} and {@code isSignedIn} run on the caller's
 * thread. Every step of a refresh (store reads and writes after it, the refresh lock, the transport
 * call's reply, refresh listeners, the login handler) runs on the session's executor
 * ({@code TokenSession.Builder.executor}; default: a shared pool of daemon threads); the JVM-wide timer
 * only hands deadlines and backoffs to it. A request waiting for a refresh continues on that executor
 * (async) or on its own thread (blocking). Nothing here blocks an event loop.
 *
 * <p>Null-marked (JSpecify): nothing here accepts or returns null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.silentrefresh;

import org.jspecify.annotations.NullMarked;
