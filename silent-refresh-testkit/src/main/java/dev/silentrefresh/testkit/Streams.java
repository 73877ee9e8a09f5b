package dev.silentrefresh.testkit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The streaming API endpoint {@code GET /api/stream} of an {@link AuthServer} and its controls. Thread-safe.
 *
 * <p>With a valid access token the reply is {@code 200 application/x-ndjson}, chunked: first one line holding
 * the profile's normal API success value (the same JSON as {@code /api/me}, e.g. {@code {"code":0,"data":{...}}}
 * for {@link Profile#CODE_1002}), sent and flushed at once; then, with {@code ?hold=true}, nothing until
 * {@link #releaseHeld()} (or the server closes, or {@link #MAX_HOLD} passes); then {@code lines} more lines
 * {@code {"seq":1}}, {@code {"seq":2}}, ... ({@code ?lines=N}, default {@value #DEFAULT_LINES}, at most
 * {@value #MAX_LINES}), then the end of the body.
 *
 * <p>With {@code ?hold=first} the status line and headers are sent at once and then nothing, not even the first
 * value, until {@link #releaseHeld()} (or the server closes, or {@link #MAX_HOLD} passes); then the stream goes
 * on as above without a second hold: a reply whose first chunk is slow, for clients that peek into the body.
 *
 * <p>With an expired, invalid or missing token the reply has the profile's rejection status and headers (e.g.
 * 401 + {@code WWW-Authenticate} for OAUTH2, 200 for CODE_1002 and CODE_50014) and a one-line ndjson body whose
 * only value is the profile's rejection (e.g. {@code {"code":1002,"message":"token expired"}}), so a client
 * must read the first value to tell a rejection from data where the profile signals expiry in the body. With
 * {@code ?holdRejection=true} that body does not end after the rejection until {@link #releaseHeld()} (or the
 * server closes, or {@link #MAX_HOLD} passes): a client that judged the rejection must not wait for its end.
 */
public final class Streams {
  /** Lines after the first value when the request does not say ({@code ?lines=}). */
  public static final int DEFAULT_LINES = 3;
  /** The most lines a stream sends after its first value. */
  public static final int MAX_LINES = 100_000;
  /** The longest a {@code ?hold=true} stream waits for {@link #releaseHeld()}. */
  public static final Duration MAX_HOLD = Duration.ofMinutes(5);

  private final Hold hold = new Hold();
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong started = new AtomicLong();
  private final AtomicLong completed = new AtomicLong();

  Streams() {
  }

  /** Streams whose first value was sent and whose body has not ended yet. */
  public int open() {
    return open.get();
  }

  /**
   * Streams waiting for {@link #releaseHeld()} right now: with {@code ?hold=true} their first value is already
   * sent, with {@code ?hold=first} only their status and headers; rejections held by {@code ?holdRejection=true}
   * count too.
   */
  public int held() {
    return hold.holding();
  }

  /** Streams that sent their first value (rejections are not counted). Zeroed by {@link AuthServer#reset()}. */
  public long started() {
    return started.get();
  }

  /** Streams that sent every line and ended their body normally. Zeroed by {@link AuthServer#reset()}. */
  public long completed() {
    return completed.get();
  }

  /** Lets every stream held right now go on (send its lines and end); streams held later wait for the next call. */
  public void releaseHeld() {
    hold.release();
  }

  void opened() {
    started.incrementAndGet();
    open.incrementAndGet();
  }

  void ended(boolean normally) {
    open.decrementAndGet();
    if (normally) {
      completed.incrementAndGet();
    }
  }

  void awaitRelease() {
    hold.await(MAX_HOLD);
  }

  void reset() {
    started.set(0);
    completed.set(0);
    hold.release();
  }

  void close() {
    hold.close();
  }

  @Override
  public String toString() {
    return "Streams[open=" + open() + ", held=" + held() + ", started=" + started() + ", completed=" + completed() + "]";
  }
}
