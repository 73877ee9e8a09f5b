package dev.silentrefresh;

import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.spi.RefreshReply;
import dev.silentrefresh.spi.RefreshRequest;
import dev.silentrefresh.spi.RefreshTransport;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A scripted world for core tests: an OAuth2 refresh endpoint whose every answer the test decides, an
 * API whose verdict on each token the test decides, and a clock the test moves. Tokens are numbered
 * ({@code A1}/{@code R1}, …) so assertions can name generations.
 */
final class Script {
  static final URI TOKEN_URI = URI.create("https://auth.test/token");
  static final URI API = URI.create("https://api.test/me");
  static final Dialect DIALECT = Dialect.oauth2(TOKEN_URI, "client");

  /** A clock the test moves; starts at a fixed instant. */
  static final class TestClock extends Clock {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-22T10:00:00Z"));

    void advance(Duration d) {
      now.updateAndGet(t -> t.plus(d));
    }

    @Override
    public Instant instant() {
      return now.get();
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  /** The refresh endpoint: each call is recorded with the refresh token it presented, and answered by {@link #answer}. */
  static final class Transport implements RefreshTransport {
    final List<String> presented = new CopyOnWriteArrayList<>();
    final Queue<CompletableFuture<RefreshReply>> calls = new ConcurrentLinkedQueue<>();
    final AtomicInteger next = new AtomicInteger(1);
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger peakInFlight = new AtomicInteger();
    /** Decides each call's reply; default: new tokens living {@code ttlSeconds}. */
    volatile Function<String, CompletableFuture<RefreshReply>> answer = refresh -> CompletableFuture.completedFuture(rotated(300));

    @Override
    public CompletableFuture<RefreshReply> execute(RefreshRequest request) {
      String form = new String(request.body(), StandardCharsets.UTF_8);
      String refresh = null;
      for (String pair : form.split("&")) {
        if (pair.startsWith("refresh_token=")) refresh = URLDecoder.decode(pair.substring(14), StandardCharsets.UTF_8);
      }
      presented.add(refresh);
      peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      CompletableFuture<RefreshReply> reply = answer.apply(refresh);
      reply.whenComplete((r, e) -> inFlight.decrementAndGet());
      calls.add(reply);
      return reply;
    }

    int calls() {
      return presented.size();
    }

    /** A success with the next numbered tokens. */
    RefreshReply rotated(long ttlSeconds) {
      int n = next.incrementAndGet();
      return json(200, "{\"access_token\":\"A" + n + "\",\"refresh_token\":\"R" + n + "\",\"expires_in\":" + ttlSeconds + "}");
    }
  }

  static RefreshReply json(int status, String body) {
    return RefreshReply.of(status, Collections.singletonMap("Content-Type", Collections.singletonList("application/json")),
        body.getBytes(StandardCharsets.UTF_8));
  }

  static RefreshReply dead() {
    return json(400, "{\"error\":\"invalid_grant\"}");
  }

  /** An API reply: just a status. */
  static final class Reply {
    final int status;
    final String sentWith;

    Reply(int status, String sentWith) {
      this.status = status;
      this.sentWith = sentWith;
    }
  }

  /** The API: decides each token's fate; records what was sent. */
  static final class Api {
    final List<String> sent = new CopyOnWriteArrayList<>();
    /** Access tokens the API accepts; everything else gets 401. Null: accept all. */
    volatile Function<String, Boolean> accepts = token -> true;

    Reply handle(String header) {
      String token = header == null ? null : header.substring("Bearer ".length());
      sent.add(String.valueOf(token));
      return new Reply(token != null && accepts.apply(token) ? 200 : 401, token);
    }

    Blocking blocking() {
      return new Blocking(this);
    }

    Async async(Function<String, CompletableFuture<Reply>> send) {
      return new Async(send);
    }
  }

  abstract static class BaseExchange implements Exchange<Reply> {
    volatile boolean cancelled;

    @Override
    public int status(Reply reply) {
      return reply.status;
    }

    @Override
    public String header(Reply reply, String name) {
      return reply.status == 401 && name.equalsIgnoreCase("WWW-Authenticate") ? "Bearer error=\"invalid_token\"" : null;
    }

    @Override
    public byte[] body(Reply reply) {
      return null;
    }

    @Override
    public void discard(Reply reply) {}

    @Override
    public boolean isCancelled() {
      return cancelled;
    }
  }

  static final class Blocking extends BaseExchange implements Exchange.Blocking<Reply> {
    final Api api;
    final AtomicInteger sends = new AtomicInteger();

    Blocking(Api api) {
      this.api = api;
    }

    @Override
    public Reply send(String tokenHeaderValue) throws IOException {
      sends.incrementAndGet();
      return api.handle(tokenHeaderValue);
    }
  }

  static final class Async extends BaseExchange implements Exchange.Async<Reply> {
    final Function<String, CompletableFuture<Reply>> send;
    final AtomicInteger sends = new AtomicInteger();

    Async(Function<String, CompletableFuture<Reply>> send) {
      this.send = send;
    }

    @Override
    public CompletableFuture<Reply> send(String tokenHeaderValue) {
      sends.incrementAndGet();
      return send.apply(tokenHeaderValue);
    }
  }

  static Tokens tokens(int n, Instant expiresAt) {
    return Tokens.builder().accessToken("A" + n).refreshToken("R" + n).expiresAt(expiresAt).build();
  }

  /** An unsigned JWT with {@code payload} (core never verifies signatures). */
  static String jwt(String payload) {
    java.util.Base64.Encoder e = java.util.Base64.getUrlEncoder().withoutPadding();
    return e.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + e.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
  }

  static Map<String, List<String>> noHeaders() {
    return Collections.emptyMap();
  }

  private Script() {}
}
