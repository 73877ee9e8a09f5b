package dev.silentrefresh.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An HTTP reply decided by the server logic, written out by {@link AuthHandler}. Immutable. Three kinds: a
 * whole body (with Content-Length), a streamed body (chunked, written line by line by a {@link Streamer} on
 * the request thread), or no reply at all (an {@link Ending}: the connection is closed without a byte, reset, or
 * left open unanswered).
 */
final class Reply {
  static final String JSON = "application/json";
  static final String NDJSON = "application/x-ndjson";

  /** Writes a streamed body; runs on the server's request thread and may block there. */
  interface Streamer {
    void writeTo(LineSink out) throws IOException;
  }

  /** Where a {@link Streamer} writes: each line is sent (and flushed) as its own chunk. */
  interface LineSink {
    void line(String text) throws IOException;

    /** Sends the status line and headers now, before any line (a chunked body with no chunk yet). */
    void sendHeaders() throws IOException;
  }

  /** How a reply that sends nothing ends its exchange. */
  enum Ending {
    /** The connection is closed (a FIN) without a byte of a response. */
    DISCONNECT,
    /** The connection is reset (a TCP RST). */
    RESET,
    /** Nothing is sent and the connection stays open (see {@link Unanswered}). */
    NEVER_ANSWER
  }

  private static final Reply DISCONNECT = new Reply(0, null, new byte[0], Map.of(), null, Ending.DISCONNECT);
  private static final Reply RESET = new Reply(0, null, new byte[0], Map.of(), null, Ending.RESET);
  private static final Reply NEVER_ANSWER = new Reply(0, null, new byte[0], Map.of(), null, Ending.NEVER_ANSWER);

  final int status;
  final String contentType; // null: no body
  final byte[] body;
  final Map<String, String> headers;
  final Streamer streamer; // non-null: a streamed body of contentType
  final Ending ending; // non-null: no response at all

  private Reply(int status, String contentType, byte[] body, Map<String, String> headers, Streamer streamer,
      Ending ending) {
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = headers;
    this.streamer = streamer;
    this.ending = ending;
  }

  static Reply json(int status, String json) {
    return of(status, JSON, json.getBytes(StandardCharsets.UTF_8));
  }

  static Reply of(int status, String contentType, byte[] body) {
    return new Reply(status, contentType, body, Map.of(), null, null);
  }

  static Reply empty(int status) {
    return new Reply(status, null, new byte[0], Map.of(), null, null);
  }

  /** A chunked body of {@code contentType} written by {@code streamer}. */
  static Reply stream(int status, String contentType, Streamer streamer) {
    return new Reply(status, contentType, new byte[0], Map.of(), streamer, null);
  }

  /** No reply: the connection is closed without sending anything. */
  static Reply disconnect() {
    return DISCONNECT;
  }

  /** No reply: the connection is reset. */
  static Reply reset() {
    return RESET;
  }

  /** No reply, ever: the connection stays open until the client or the server closes it. */
  static Reply neverAnswer() {
    return NEVER_ANSWER;
  }

  Reply withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.put(name, value);
    return new Reply(status, contentType, body, Map.copyOf(h), streamer, ending);
  }

  /** The same reply with the body cut to its first half (Content-Length follows the cut body). */
  Reply truncated() {
    byte[] half = new byte[body.length / 2];
    System.arraycopy(body, 0, half, 0, half.length);
    return new Reply(status, contentType, half, headers, streamer, ending);
  }

  /** This whole-body reply as a one-line ndjson stream: same status and headers, the body as its only line. */
  Reply asNdjsonLine() {
    return asNdjsonLine(() -> { });
  }

  /** As {@link #asNdjsonLine()}, running {@code afterLine} (on the request thread) before the body ends. */
  Reply asNdjsonLine(Runnable afterLine) {
    String line = new String(body, StandardCharsets.UTF_8);
    return new Reply(status, NDJSON, new byte[0], headers, out -> {
      out.line(line);
      afterLine.run();
    }, null);
  }
}
