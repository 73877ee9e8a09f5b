package dev.silentrefresh.cli;

import java.util.List;

/**
 * What happened during one demo run, over time: the data behind one chart of the HTML report.
 * Times are milliseconds from the start of the run.
 *
 * @param bucketMillis the width of one sample
 * @param samples one per bucket, in time order
 * @param tokens the life of each access token the session held: from when it was obtained to its expiry
 * @param markers notable moments (refresh token expired, signed in again)
 * @param lanes in a fleet run, one per process: when its session got new tokens (empty otherwise)
 */
public record Timeline(String dialect, String client, long durationMillis, long bucketMillis,
    List<Sample> samples, List<Band> tokens, List<Marker> markers, List<Lane> lanes) {

  /** A run of one process: no lanes. */
  public Timeline(String dialect, String client, long durationMillis, long bucketMillis,
      List<Sample> samples, List<Band> tokens, List<Marker> markers) {
    this(dialect, client, durationMillis, bucketMillis, samples, tokens, markers, List.of());
  }

  /** Counts within one bucket; {@code waiting} is the number of requests waiting for a refresh at its end. */
  public record Sample(long atMillis, int requests, int rejected, int refreshes, int replays, int failures, int waiting) {}

  /** One access token's lifetime. */
  public record Band(long fromMillis, long toMillis) {}

  public record Marker(long atMillis, String label) {}

  /** One process of a fleet run and the moments its session got new tokens. */
  public record Lane(String name, List<Tick> ticks) {}

  /**
   * The process's session got new tokens: it called the refresh endpoint itself, or ({@code adopted}) it took the
   * tokens another process had refreshed and written to the shared store.
   */
  public record Tick(long atMillis, boolean adopted) {}
}
