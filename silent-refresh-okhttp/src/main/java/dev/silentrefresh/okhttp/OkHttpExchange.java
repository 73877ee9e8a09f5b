package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/** One intercepted call, sent by core's algorithm down the rest of the OkHttp chain. */
final class OkHttpExchange implements Exchange.Blocking<Response> {
  private final Interceptor.Chain chain;
  private final Request request;
  private final TokenSession session;
  private final String tokenHeader;
  private final boolean requestInScope;
  private Request sent; // the last request sent with the token, to recognise a reply no redirect moved
  private Response peekedReply; // the last reply sent, when its body was peeked
  private byte[] peekedBytes;

  /** @param requestInScope whether the request's own origin is in the session's scope */
  OkHttpExchange(Interceptor.Chain chain, TokenSession session, boolean requestInScope) {
    this.chain = chain;
    this.request = chain.request();
    this.session = session;
    this.tokenHeader = session.dialect().tokenHeader();
    this.requestInScope = requestInScope;
  }

  @Override
  public Response send(@Nullable String tokenHeaderValue) throws IOException {
    Request toSend = tokenHeaderValue == null ? request : request.newBuilder()
        .header(tokenHeader, tokenHeaderValue) // replaces any value the caller set
        .tag(TokenAttached.class, new TokenAttached(session, tokenHeader, request.url()))
        .build();
    sent = toSend;
    if (chain.call().isCanceled()) throw new IOException("Canceled"); // nothing more goes out for a cancelled call
    return peek(chain.proceed(toSend));
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
  public @Nullable String header(Response reply, String name) {
    return reply.header(name);
  }

  /** Where OkHttp's redirects ended, when they led anywhere: core judges only replies from the session's scope. */
  @Override
  public java.net.URI replyUri(Response reply) {
    okhttp3.HttpUrl url = reply.request().url();
    return url.equals(request.url()) ? null : url.uri(); // no URI built for the usual, unredirected reply
  }

  /** The start of the body peeked for core by {@link #send}, or null. */
  @Override
  public byte @Nullable [] body(Response reply) {
    return reply == peekedReply ? peekedBytes : null;
  }

  /** Whether the reply came from the session's scope; a URI is built only when a redirect moved the request. */
  private boolean fromScope(Response reply) {
    HttpUrl from = reply.request().url();
    return OriginUri.sameOrigin(from, request.url()) ? requestInScope : SessionCalls.of(session).inScope(from.uri());
  }

  /**
   * Peeks at the start of a body core wants to look at (see {@link BodyPeek}); returns the reply to
   * hand on, whose body still gives the caller every byte.
   */
  private Response peek(Response reply) throws IOException {
    peekedReply = null;
    peekedBytes = null;
    ResponseBody body = reply.body();
    SessionCalls calls = SessionCalls.of(session);
    if (body == null || !calls.wantsBody(reply.code(), reply.header("Content-Type"), body.contentLength())
        || !fromScope(reply)) {
      return reply;
    }
    BodyPeek peek = BodyPeek.start(body, calls, chain.call()::cancel);
    Response handedOn = peek.isDone() ? reply : reply.newBuilder().body(peek.bodyForCaller()).build();
    peekedReply = handedOn;
    peekedBytes = peek.bytes();
    return handedOn;
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
  public @Nullable String notReplayableReason() {
    RequestBody body = request.body();
    if (body == null) return null;
    if (body.isDuplex()) return "the request body is duplex (RequestBody.isDuplex()); it cannot be sent again";
    if (body.isOneShot()) return "the request body is one-shot (RequestBody.isOneShot()); it cannot be sent again";
    return null;
  }

  /** The reply as the caller gets it: its request carries the caller's own token header values, not the token. */
  Response forCaller(Response reply) {
    Request sent = reply.request();
    if (sent == this.sent) return reply.newBuilder().request(request).build(); // not redirected: the caller's own
    if (sent.tag(TokenAttached.class) == null) return reply;
    Request.Builder shown = sent.newBuilder().removeHeader(tokenHeader).tag(TokenAttached.class, null);
    List<String> own = request.headers(tokenHeader);
    for (String value : own) shown.addHeader(tokenHeader, value);
    return reply.newBuilder().request(shown.build()).build();
  }
}
