package dev.silentrefresh.cli;

/**
 * One process of a fleet run, as its own session saw it: an element of the run's {@code "processes"} in the demo's
 * JSON. {@code refreshed} counts the refreshes this process made (it called the refresh endpoint), {@code adopted}
 * those it took from Redis after another process had made them; across the fleet, one refresh per expiry and every
 * other process adopting is right. Latencies are of the virtual users' calls, waits for a refresh included;
 * {@code hung} counts calls that took longer than a soak allows ({@link SoakRun#HUNG}, or were still running when the
 * run stopped), {@code refreshesFailed} the refreshes this process gave up after every try.
 */
public record FleetProcess(int process, long pid, long requests, long succeeded, long failed, long refreshed,
    long adopted, long replays, long loginRequired, long refreshesFailed, long hung, long p50Millis, long p99Millis) {}
