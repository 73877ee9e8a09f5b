/**
 * Not API: the engine's state holders ({@link dev.silentrefresh.internal.HeldTokens},
 * {@link dev.silentrefresh.internal.RefreshFlight}), JSON and JWT reading, token lifetimes, the monotonic
 * clock, the latency window, scheduling and the built-in stores. Not exported by the JPMS module; may
 * change in any release.
 */
package dev.silentrefresh.internal;
