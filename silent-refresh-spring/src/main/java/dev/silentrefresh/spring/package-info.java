/**
 * Silent Refresh for Spring's HTTP clients: {@link dev.silentrefresh.spring.RestRefreshInterceptor} for
 * {@code RestClient} and {@code RestTemplate}, {@link dev.silentrefresh.spring.WebClientRefreshFilter} for
 * {@code WebClient}, and the refresh transports that go around them,
 * {@link dev.silentrefresh.spring.RestRefreshTransport} and
 * {@link dev.silentrefresh.spring.WebClientRefreshTransport}. The refresh algorithm itself lives in
 * {@link dev.silentrefresh.TokenSession}; these classes only send and look.
 */
package dev.silentrefresh.spring;
