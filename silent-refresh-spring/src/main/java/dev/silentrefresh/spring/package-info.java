/**
 * Silent Refresh for Spring's HTTP clients: {@link dev.silentrefresh.spring.RestRefreshInterceptor} for
 * {@code RestClient} and {@code RestTemplate}, {@link dev.silentrefresh.spring.WebClientRefreshFilter} for
 * {@code WebClient}, and the refresh transports that go around them,
 * {@link dev.silentrefresh.spring.RestRefreshTransport} and
 * {@link dev.silentrefresh.spring.WebClientRefreshTransport}. The refresh algorithm itself lives in
 * {@link dev.silentrefresh.TokenSession}; these classes only send and look.
 *
 * <p>Runs on Spring Framework 6.2 and 7.0 (built on 6.2, using only what both lines have with the same
 * binary signature; tested on both). See {@link dev.silentrefresh.spring.RestRefreshInterceptor} for what the
 * interceptor chain runs on a replay on each line.
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li>{@code RestRefreshInterceptor} runs on the caller's thread, which blocks while it sends and while it
 *       waits for a refresh. A reply whose body may carry a signal is read ahead on a daemon thread of this
 *       module (at most {@code bodyPeekTimeout}); the caller waits for it, then reads the rest itself.</li>
 *   <li>{@code WebClientRefreshFilter} never blocks: no {@code block()}, no lock held while waiting. Sending
 *       and peeking run on the Netty event loop; the peek timeout is a Reactor timer. After a refresh, the
 *       continuation (the replay, the caller's {@code Mono}) runs on the session's executor
 *       ({@code TokenSession.Builder.executor}); without a refresh it stays on the event loop.</li>
 *   <li>Over a {@code TokenSessions} (many users), the interceptor chooses each request's session on the
 *       caller's thread (request attribute {@link dev.silentrefresh.spring.SessionKey#ATTRIBUTE}, else the
 *       thread's key); the filter at subscription, from the attribute or the Reactor Context, never a thread's
 *       key, and makes a key's first session on Reactor's {@code boundedElastic} scheduler.</li>
 *   <li>{@code RestRefreshTransport} runs each refresh call on a daemon thread of its own (reused, never
 *       shared by two calls at once); {@code WebClientRefreshTransport} on Reactor Netty's event loop. Both
 *       fail the call's future with a {@code TimeoutException} past {@code RefreshRequest.timeout()}.</li>
 * </ul>
 *
 * <p>Null-marked (JSpecify): nothing here accepts or returns null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.silentrefresh.spring;

import org.jspecify.annotations.NullMarked;
