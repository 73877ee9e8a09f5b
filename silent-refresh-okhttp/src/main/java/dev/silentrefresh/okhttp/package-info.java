/**
 * Silent Refresh for OkHttp 4.12 and 5.x (Retrofit and Android API 26+ included):
 * {@link dev.silentrefresh.okhttp.OkHttpRefreshInterceptor}, an application interceptor that keeps a
 * {@link dev.silentrefresh.TokenSession}'s requests working while the access token expires, and
 * {@link dev.silentrefresh.okhttp.OkHttpRefreshTransport}, which sends the session's refresh calls past
 * every interceptor of yours. R8/ProGuard rules ship in the jar ({@code META-INF/proguard}). Over a
 * {@link dev.silentrefresh.TokenSessions} (many users), each request goes through the session of its
 * {@link dev.silentrefresh.okhttp.SessionKey} tag, else of the key of the thread running the interceptor.
 *
 * <p>Null-marked (JSpecify): nothing here accepts or returns null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.silentrefresh.okhttp;

import org.jspecify.annotations.NullMarked;
