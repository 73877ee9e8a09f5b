/**
 * Silent Refresh testkit: {@link dev.silentrefresh.testkit.AuthServer}, a real HTTP reference auth server
 * speaking one {@link dev.silentrefresh.testkit.Profile} (wire protocol) per instance, with rotating refresh
 * tokens, reuse detection, latency and {@link dev.silentrefresh.testkit.Faults fault} injection and
 * {@link dev.silentrefresh.testkit.Counters counters}; plus
 * {@link dev.silentrefresh.testkit.AuthServerExtension}, its JUnit 5 extension. It does not depend on
 * silent-refresh-core: any HTTP client can talk to it.
 */
package dev.silentrefresh.testkit;
