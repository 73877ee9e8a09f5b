package dev.silentrefresh.cli;

/**
 * One row of the demo's result table and of its JSON ({@code {"runs":[…]}}). Server-side figures
 * (rejected replies, refresh calls, peak concurrent refreshes, reuse detected) come from the reference
 * server's counters; the others from the client.
 */
public record RunSummary(String dialect, String client, long requests, long succeeded, long failed,
    long rejectedReplies, long refreshCalls, long peakConcurrentRefreshes, long reuseDetected,
    long loginRequired, long relogins) {}
