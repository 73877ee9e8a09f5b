package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.TokenSession;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * One filtered request, sent by core's algorithm through the next exchange function. It also owns what
 * cancellation means here: the caller's {@code Mono} was cancelled, so stop this request's own exchange
 * (never the shared refresh, which core keeps apart) and release any reply that arrives for nobody.
 */
final class WebExchange implements Exchange.Async<WebExchange.Reply> {
  private static final int RUNNING = 0;
  private static final int DELIVERED = 1;
  private static final int CANCELLED = 2;

  private final ClientRequest request;
  private final ExchangeFunction next;
  private final TokenSession session;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final AtomicBoolean released = new AtomicBoolean();
  private final CompletableFuture<Reply> result = new CompletableFuture<>();
  private volatile CompletableFuture<Reply> sending;

  WebExchange(ClientRequest request, ExchangeFunction next, TokenSession session) {
    this.request = request;
    this.next = next;
    this.session = session;
  }

  /** A reply and, when its body was read ahead, the read-ahead (else null). */
  static final class Reply {
    final ClientResponse response;
    final BodyPeek peek;

    Reply(ClientResponse response, BodyPeek peek) {
      this.response = response;
      this.peek = peek;
    }

    /**
     * Lets go of a reply nobody will read. A body read ahead may be an endless stream: its live rest is
     * cancelled (Reactor Netty then closes the connection) rather than drained. Any other body is released
     * as Spring does (read to its end, so that the connection can be reused).
     */
    void discard() {
      if (peek != null) peek.discard();
      else response.releaseBody().subscribe(v -> {}, e -> {});
    }
  }

  /**
   * Runs core's algorithm. Once the caller has cancelled, the future is never completed (so no error is
   * dropped on the floor), and a reply that still arrives is released.
   */
  CompletableFuture<Reply> run() {
    SessionCalls.of(session).executeAsync(request.url(), this).whenComplete((reply, error) -> {
      if (state.get() == CANCELLED) {
        if (reply != null) release(reply);
      } else if (error != null) {
        Throwable reason = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        result.completeExceptionally(SessionFailures.isSessionFailure(reason) ? SessionFailures.forWebClient(
            request.method(), request.url(), withoutTokenHeader(request.headers()), reason) : reason);
      } else {
        result.complete(reply);
        if (state.get() == CANCELLED) release(reply); // cancelled meanwhile: never delivered
      }
    });
    return result;
  }

  private HttpHeaders withoutTokenHeader(HttpHeaders headers) {
    return SpringHeaders.copyWithout(headers, session.dialect().tokenHeader());
  }

  /** The caller cancelled: stop the exchange in progress, start no other, release a reply not delivered. */
  void cancel() {
    if (!state.compareAndSet(RUNNING, CANCELLED)) return;
    CompletableFuture<Reply> current = sending;
    if (current != null) current.cancel(false); // cancels its subscription: Reactor Netty drops the connection
    if (result.isDone() && !result.isCompletedExceptionally()) release(result.join());
  }

  /** Hands the reply to the caller, unless the caller cancelled first. */
  void deliver(Reply reply, SynchronousSink<ClientResponse> sink) {
    if (state.compareAndSet(RUNNING, DELIVERED)) sink.next(reply.response);
    else release(reply);
  }

  private void release(Reply reply) {
    if (released.compareAndSet(false, true)) reply.discard();
  }

  @Override
  public CompletableFuture<Reply> send(String tokenHeaderValue) {
    if (state.get() == CANCELLED) return CompletableFuture.failedFuture(new CancellationException("cancelled"));
    Mono<Reply> reply;
    if (tokenHeaderValue == null) { // out of scope: untouched, never judged by core
      reply = next.exchange(request).map(r -> new Reply(r, null));
    } else { // the safe connector sets the token (see SafeConnector); the caller's own token header goes
      TokenHandoff handoff = new TokenHandoff(SessionCalls.of(session), tokenHeaderValue);
      ClientRequest toSend = ClientRequest.from(request)
          .headers(h -> SpringHeaders.remove(h, session.dialect().tokenHeader()))
          .attribute(TokenHandoff.ATTRIBUTE, handoff)
          .build();
      reply = next.exchange(toSend).flatMap(response -> {
        if (handoff.delivered()) return peekIfWanted(response);
        response.releaseBody().subscribe(v -> {}, e -> {}); // not awaited: the body may never end
        return Mono.error(new IllegalStateException("the request went out without its token: Silent Refresh"
            + " sends tokens only through the connector WebClientRefreshFilter.install(builder, httpClient,"
            + " session) sets, which keeps them from other origins"));
      });
    }
    CompletableFuture<Reply> future = reply.toFuture();
    sending = future;
    if (state.get() == CANCELLED) future.cancel(false);
    return future;
  }

  /** Reads the body ahead when core may need it (small JSON of a status that may carry a body signal). */
  private Mono<Reply> peekIfWanted(ClientResponse response) {
    ClientResponse.Headers headers = response.headers();
    String type = headers.asHttpHeaders().getFirst(HttpHeaders.CONTENT_TYPE);
    long length = headers.contentLength().orElse(-1);
    if (!SessionCalls.of(session).wantsBody(response.statusCode().value(), type, length)) {
      return Mono.just(new Reply(response, null));
    }
    return BodyPeek.peek(response.bodyToFlux(DataBuffer.class), SessionCalls.of(session))
        .map(peek -> new Reply(response.mutate().body(original -> peek.body()).build(), peek));
  }

  @Override
  public int status(Reply reply) {
    return reply.response.statusCode().value();
  }

  @Override
  public String header(Reply reply, String name) {
    return reply.response.headers().asHttpHeaders().getFirst(name);
  }

  @Override
  public byte[] body(Reply reply) {
    return reply.peek == null ? null : reply.peek.bytes();
  }

  @Override
  public void discard(Reply reply) {
    reply.discard();
  }
}
