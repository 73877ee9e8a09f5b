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
 */
public record Timeline(String dialect, String client, long durationMillis, long bucketMillis,
    List<Sample> samples, List<Band> tokens, List<Marker> markers) {

  /** Counts within one bucket; {@code waiting} is the number of requests waiting for a refresh at its end. */
  public record Sample(long atMillis, int requests, int rejected, int refreshes, int replays, int failures, int waiting) {}

  /** One access token's lifetime. */
  public record Band(long fromMillis, long toMillis) {}

  public record Marker(long atMillis, String label) {}
}
