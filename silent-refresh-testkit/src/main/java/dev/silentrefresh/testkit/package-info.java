/**
 * Silent Refresh testkit: {@link dev.silentrefresh.testkit.AuthServer}, a real HTTP reference auth server
 * speaking one {@link dev.silentrefresh.testkit.Profile} (wire protocol) per instance, with rotating refresh
 * tokens, reuse detection, latency and {@link dev.silentrefresh.testkit.Faults fault} injection and
 * {@link dev.silentrefresh.testkit.Counters counters}; plus
 * {@link dev.silentrefresh.testkit.AuthServerExtension}, its JUnit 5 extension. Any HTTP client can talk to it;
 * {@link dev.silentrefresh.testkit.AuthServer#dialect()} hands out the matching core dialect.
 *
 * <h2>Ground truth</h2>
 * Every decision about one login's refresh tokens (rotate, grace, reuse, expired, revoked) is taken under that
 * login's lock at a time read from the server's clock under the same lock. So with {@code grace(ZERO)} (the
 * default), of any number of concurrent refreshes presenting one refresh token exactly one succeeds and one is
 * counted as reuse ({@link dev.silentrefresh.testkit.Counters#reuseDetected()}, the family revoked; the rest
 * find it revoked), every time; with {@code grace(d)} every presentation of a rotated token within {@code d} of
 * its rotation gets a fresh pair and none is reuse.
 *
 * <h2>Building blocks for client scenarios</h2>
 * <ul>
 *   <li><b>Refresh reply lost after the rotation was committed</b>:
 *     {@link dev.silentrefresh.testkit.Faults#dropRefreshReplyAfterCommit(int)} (connection closed without a
 *     response), {@link dev.silentrefresh.testkit.Faults#holdRefreshReplyAfterCommit(int)} (no reply until the
 *     client times out) and {@code DROP_AFTER_COMMIT} (a 500 instead of the tokens);
 *     {@link dev.silentrefresh.testkit.Counters#refreshRepliesDropped()} counts the committed-but-lost ones.
 *     "Exactly one clean login-required, no reuse detected" is {@code reuseDetected() == 0} with
 *     {@code refreshRejected()} as expected; "reuse detected" is {@code reuseDetected() == 1} and
 *     {@code familiesRevoked() == 1}.</li>
 *   <li><b>Server clock differs from the client's</b>: {@link dev.silentrefresh.testkit.AuthServer.Builder#clock}
 *     with its own {@link dev.silentrefresh.testkit.MutableClock}; {@link dev.silentrefresh.testkit.AuthServer#clock()}.</li>
 *   <li><b>Redirects</b>: the protected {@code GET /api/redirect?to=<absolute http(s) URL>[&status=30x]} answers
 *     with a redirect there; {@link dev.silentrefresh.testkit.RecordingServer} is a second, foreign origin that
 *     records every request, to count those that arrived carrying a token.</li>
 *   <li><b>Streams</b>: the protected {@code GET /api/stream[?lines=N][&hold=true|first][&holdRejection=true]},
 *     chunked ndjson whose first value is the profile's API value or its rejection, held after (or before) that
 *     value until {@code streams().releaseHeld()}; see {@link dev.silentrefresh.testkit.Streams}.</li>
 *   <li><b>Faults per endpoint, while running</b>: {@link dev.silentrefresh.testkit.FaultRule}s such as
 *     {@code refresh=server_error:0.1} or {@code api=latency:200ms}, from Java, {@code serve --fault} or over HTTP;
 *     see {@link dev.silentrefresh.testkit.Faults.Fault} for what the client sees of each.</li>
 *   <li><b>The same ground truth for a front end</b>: the admin endpoint
 *     ({@link dev.silentrefresh.testkit.AuthServer#adminUri()}) serves the counters and takes fault rules over HTTP,
 *     with CORS for pages of loopback origins.</li>
 *   <li><b>Reject every access token, even fresh ones</b>: {@code faults().failAlways(Endpoint.API,
 *     Fault.REJECT_TOKENS)} (until {@code faults().clear()}); {@link dev.silentrefresh.testkit.AuthServer#expireAccessTokens()}
 *     only expires the tokens issued so far.</li>
 * </ul>
 *
 * <p>Null-marked (JSpecify): nothing here accepts or returns null unless its type says {@code @Nullable}.
 */
@NullMarked
package dev.silentrefresh.testkit;

import org.jspecify.annotations.NullMarked;
