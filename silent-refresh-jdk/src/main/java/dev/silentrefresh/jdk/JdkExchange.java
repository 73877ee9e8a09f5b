package dev.silentrefresh.jdk;

import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/** One caller request, sent by core's algorithm through the plain client. */
abstract class JdkExchange<T> implements Exchange<HttpResponse<Peeked<T>>> {
  final HttpClient client;
  final HttpRequest request;
  final HttpResponse.BodyHandler<T> handler;
  final TokenSession session;
  private final ReplayableBody body;
  private boolean sentOnce;

  JdkExchange(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
      TokenSession session, int replayBufferBytes) {
    this.client = client;
    this.request = request;
    this.handler = handler;
    this.session = session;
    this.body = ReplayableBody.of(request, replayBufferBytes);
  }

  /** The request to send: untouched without a token, else with the token header replaced. */
  HttpRequest prepare(String tokenHeaderValue) {
    if (tokenHeaderValue == null) return request;
    String header = session.dialect().tokenHeader();
    HttpRequest.Builder b = HttpRequest.newBuilder(request, (name, value) -> !name.equalsIgnoreCase(header))
        .setHeader(header, tokenHeaderValue);
    if (body != null) {
      b.method(request.method(), sentOnce ? body.replay() : body.first());
    }
    sentOnce = true;
    return b.build();
  }

  HttpResponse.BodyHandler<Peeked<T>> handler(String tokenHeaderValue) {
    return new PeekingBodyHandler<>(handler, session, tokenHeaderValue != null);
  }

  @Override
  public int status(HttpResponse<Peeked<T>> reply) {
    return reply.statusCode();
  }

  @Override
  public @Nullable String header(HttpResponse<Peeked<T>> reply, String name) {
    return reply.headers().firstValue(name).orElse(null);
  }

  @Override
  public byte @Nullable [] body(HttpResponse<Peeked<T>> reply) {
    return reply.body().bytes();
  }

  @Override
  public void discard(HttpResponse<Peeked<T>> reply) {
    reply.body().discard();
  }

  @Override
  public @Nullable String notReplayableReason() {
    return body == null ? null : body.notReplayableReason();
  }

  static final class Blocking<T> extends JdkExchange<T> implements Exchange.Blocking<HttpResponse<Peeked<T>>> {
    Blocking(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler, TokenSession session, int replay) {
      super(client, request, handler, session, replay);
    }

    @Override
    public HttpResponse<Peeked<T>> send(@Nullable String tokenHeaderValue) throws IOException {
      try {
        return client.send(prepare(tokenHeaderValue), handler(tokenHeaderValue));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted");
        io.initCause(e);
        throw io;
      }
    }
  }

  static final class Async<T> extends JdkExchange<T> implements Exchange.Async<HttpResponse<Peeked<T>>> {
    Async(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler, TokenSession session, int replay) {
      super(client, request, handler, session, replay);
    }

    private volatile boolean cancelled;
    private volatile CompletableFuture<?> sending;

    @Override
    public CompletableFuture<HttpResponse<Peeked<T>>> send(@Nullable String tokenHeaderValue) {
      if (cancelled) { // nothing more goes out for a cancelled request
        CompletableFuture<HttpResponse<Peeked<T>>> none = new CompletableFuture<>();
        none.cancel(false);
        return none;
      }
      CompletableFuture<HttpResponse<Peeked<T>>> sent = client.sendAsync(prepare(tokenHeaderValue), handler(tokenHeaderValue));
      sending = sent;
      if (cancelled) sent.cancel(true);
      return sent;
    }

    /** The caller cancelled: no further send goes out, and the one in flight is aborted. */
    void cancel() {
      cancelled = true;
      CompletableFuture<?> inFlight = sending;
      if (inFlight != null) inFlight.cancel(true);
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }
  }
}
