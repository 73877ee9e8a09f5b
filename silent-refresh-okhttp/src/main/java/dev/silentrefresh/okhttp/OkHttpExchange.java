package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import java.util.List;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/** One intercepted call, sent by core's algorithm down the rest of the OkHttp chain. */
final class OkHttpExchange implements Exchange.Blocking<Response> {
  private final Interceptor.Chain chain;
  private final Request request;
  private final TokenSession session;
  private final String tokenHeader;

  OkHttpExchange(Interceptor.Chain chain, TokenSession session) {
    this.chain = chain;
    this.request = chain.request();
    this.session = session;
    this.tokenHeader = session.dialect().tokenHeader();
  }

  @Override
  public Response send(String tokenHeaderValue) throws IOException {
    Request toSend = tokenHeaderValue == null ? request : request.newBuilder()
        .header(tokenHeader, tokenHeaderValue) // replaces any value the caller set
        .tag(TokenAttached.class, new TokenAttached(session, tokenHeader))
        .build();
    if (chain.call().isCanceled()) throw new IOException("Canceled"); // nothing more goes out for a cancelled call
    return chain.proceed(toSend);
  }

  /** {@link okhttp3.Call#cancel()} does not wake core's wait for a refresh; core asks here instead. */
  @Override
  public boolean isCancelled() {
    return chain.call().isCanceled();
  }

  @Override
  public int status(Response reply) {
    return reply.code();
  }

  @Override
  public String header(Response reply, String name) {
    return reply.header(name);
  }

  /**
   * Up to the session's peek limit of a body it wants, read with {@link Response#peekBody} so that
   * the caller still gets the whole body; null when it is larger (it cannot be a signal) or unwanted.
   */
  @Override
  public byte[] body(Response reply) {
    ResponseBody body = reply.body();
    if (body == null || !SessionCalls.of(session).wantsBody(reply.code(), reply.header("Content-Type"), body.contentLength())) {
      return null;
    }
    int limit = SessionCalls.of(session).maxBodyPeekBytes();
    try {
      byte[] bytes = reply.peekBody(limit + 1L).bytes();
      return bytes.length > limit ? null : bytes;
    } catch (IOException e) {
      return null; // no signal to be read; the caller meets the same failure reading the body
    }
  }

  @Override
  public void discard(Response reply) {
    reply.close();
  }

  /**
   * OkHttp writes any other body again when it retries or follows a redirect (see
   * {@link RequestBody#isOneShot()}), so only one-shot and duplex bodies cannot be replayed.
   */
  @Override
  public String notReplayableReason() {
    RequestBody body = request.body();
    if (body == null) return null;
    if (body.isDuplex()) return "the request body is duplex (RequestBody.isDuplex()); it cannot be sent again";
    if (body.isOneShot()) return "the request body is one-shot (RequestBody.isOneShot()); it cannot be sent again";
    return null;
  }

  /** The reply as the caller gets it: its request carries the caller's own token header values, not the token. */
  Response forCaller(Response reply) {
    Request sent = reply.request();
    if (sent.tag(TokenAttached.class) == null) return reply;
    Request.Builder shown = sent.newBuilder().removeHeader(tokenHeader).tag(TokenAttached.class, null);
    List<String> own = request.headers(tokenHeader);
    for (String value : own) shown.addHeader(tokenHeader, value);
    return reply.newBuilder().request(shown.build()).build();
  }
}
