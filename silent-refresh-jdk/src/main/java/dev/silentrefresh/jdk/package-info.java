/**
 * Silent Refresh for {@code java.net.http}: {@link dev.silentrefresh.jdk.JdkRefreshClient} wraps an
 * {@code HttpClient} so that a {@link dev.silentrefresh.TokenSession}'s requests keep working while the
 * access token expires, and {@link dev.silentrefresh.jdk.JdkRefreshTransport} sends the session's refresh
 * calls with the plain client. Over a {@link dev.silentrefresh.TokenSessions} (many users), each request goes
 * through the session of the calling thread's key, read when {@code send} or {@code sendAsync} is called, or of a
 * per-key view's ({@code JdkRefreshClient.forKey}).
 *
 * <p>Null-marked (JSpecify): nothing here accepts or returns null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.silentrefresh.jdk;

import org.jspecify.annotations.NullMarked;
