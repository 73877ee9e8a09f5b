package dev.silentrefresh.testkit;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty 12 core handler: reads the request (at most {@value #MAX_BODY} bytes), hands it to
 * {@link AuthLogic} (or, under {@value AdminEndpoint#PREFIX}, to the {@link AdminEndpoint}) and writes the
 * {@link Reply} with the CORS headers every reply carries. Blocking: the server's thread pool is sized for it,
 * and injected waits happen on the request thread.
 */
final class AuthHandler extends Handler.Abstract {
  static final int MAX_BODY = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(AuthHandler.class);

  private final AuthLogic logic;
  private final AdminEndpoint admin;
  private final Unanswered unanswered;
  private final CorsPolicy cors;

  AuthHandler(AuthLogic logic, AdminEndpoint admin, Unanswered unanswered, CorsPolicy cors) {
    super(InvocationType.BLOCKING);
    this.logic = logic;
    this.admin = admin;
    this.unanswered = unanswered;
    this.cors = cors;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    // the admin endpoint answers with CORS of its own: loopback pages only, whatever --cors-origin allows
    if (!AdminEndpoint.owns(Request.getPathInContext(request))) addCors(cors, request, response);
    Reply reply;
    try {
      reply = answer(request);
    } catch (Throwable t) { // any failure is a JSON 500, never Jetty's HTML page
      // the class only: a message could quote a request's content
      LOG.warn("{} failed: {}", request.getMethod(), t.getClass().getName());
      reply = logic.serverError();
    }
    if (reply.ending != null) {
      end(request, reply.ending, callback);
    } else {
      write(response, reply, callback);
    }
    return true;
  }

  private Reply answer(Request request) throws IOException {
    HttpFields headers = request.getHeaders();
    long declared = headers.getLongField(HttpHeader.CONTENT_LENGTH);
    java.io.InputStream in = Content.Source.asInputStream(request);
    if (declared > MAX_BODY) return tooLarge(in, declared);
    byte[] body = in.readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) return tooLarge(in, -1);
    HttpCall call = new HttpCall(request.getMethod(), Request.getPathInContext(request),
        request.getHttpURI().getQuery(), headers::get, body);
    return AdminEndpoint.owns(call.path) ? admin.answer(call) : logic.handle(call);
  }

  /** Bodies up to this size are read to their end before a 413, so that closing never resets the client. */
  private static final long DRAIN_LIMIT = 1024 * 1024;

  /**
   * A 413 that closes the connection. The rest of a body that is not too large to drain is read and
   * dropped first: closing a socket with unread bytes resets it, and the client would lose the reply.
   */
  private Reply tooLarge(java.io.InputStream in, long declared) throws IOException {
    if (declared <= DRAIN_LIMIT) {
      long left = DRAIN_LIMIT;
      byte[] sink = new byte[8192];
      for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) >= 0; ) left -= n;
    }
    return logic.tooLarge().withHeader("Connection", "close");
  }

  /** Ends an exchange without a response: closed, reset, or left open unanswered. */
  private void end(Request request, Reply.Ending ending, Callback callback) {
    if (ending == Reply.Ending.NEVER_ANSWER) {
      unanswered.park(request, callback);
      return;
    }
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    if (ending == Reply.Ending.RESET && endPoint instanceof SocketChannelEndPoint) {
      try {
        // closing with a zero linger time sends a RST instead of a FIN
        ((SocketChannelEndPoint) endPoint).getChannel().setOption(StandardSocketOptions.SO_LINGER, 0);
      } catch (IOException | RuntimeException e) {
        LOG.debug("cannot set SO_LINGER: {}", e.getClass().getName());
      }
    }
    // not a byte of a response: close the socket, then end the exchange (Jetty cannot write to it any more)
    endPoint.close();
    callback.failed(new EofException("reply dropped by an injected fault"));
  }

  private static void write(Response response, Reply reply, Callback callback) {
    response.setStatus(reply.status);
    HttpFields.Mutable h = response.getHeaders();
    reply.headers.forEach(h::put);
    if (reply.contentType == null) {
      callback.succeeded();
      return;
    }
    h.put(HttpHeader.CONTENT_TYPE, reply.contentType);
    if (reply.streamer != null) {
      stream(response, reply.streamer, callback);
      return;
    }
    h.put(HttpHeader.CONTENT_LENGTH, reply.body.length);
    response.write(true, ByteBuffer.wrap(reply.body).asReadOnlyBuffer(), callback);
  }

  /** Writes a streamed body on this (request) thread: one chunk per line, each sent before the next is made. */
  private static void stream(Response response, Reply.Streamer streamer, Callback callback) {
    try {
      streamer.writeTo(new Reply.LineSink() {
        @Override
        public void line(String text) throws IOException {
          write(ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public void sendHeaders() throws IOException {
          write(ByteBuffer.allocate(0)); // commits the response: status and headers go out, the body stays open
        }

        private void write(ByteBuffer bytes) throws IOException {
          try (Blocker.Callback sent = Blocker.callback()) {
            response.write(false, bytes, sent);
            sent.block();
          }
        }
      });
      response.write(true, null, callback);
    } catch (IOException | RuntimeException e) {
      // the client went away mid-stream: nothing to tell it
      LOG.debug("stream ended early: {}", e.getClass().getName());
      callback.failed(e);
    }
  }

  /** The CORS headers for {@code request}'s origin, put first: a reply's own headers may replace them. */
  static void addCors(CorsPolicy cors, Request request, Response response) {
    HttpFields headers = request.getHeaders();
    boolean preflight = "OPTIONS".equals(request.getMethod()) && headers.contains("Access-Control-Request-Method");
    cors.addTo(response.getHeaders(), headers.get(HttpHeader.ORIGIN), preflight);
  }

  /** Jetty's own errors (unparseable requests and the like): JSON by default, with the CORS headers too. */
  static final class JsonErrors extends ErrorHandler {
    private final CorsPolicy cors;

    JsonErrors(CorsPolicy cors) {
      this.cors = cors;
      setDefaultResponseMimeType("application/json");
      setShowStacks(false);
      setShowCauses(false);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      addCors(cors, request, response);
      return super.handle(request, response, callback);
    }
  }
}
