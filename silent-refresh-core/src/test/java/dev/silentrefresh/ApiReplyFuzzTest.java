package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.silentrefresh.internal.Json;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.spi.RefreshTransport;
import dev.silentrefresh.spi.SessionCalls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * API replies of every shape, classified by signals of every shape: classifying never throws; a body
 * peeked until {@link SessionCalls#peekIsEnough} says so is classified as the whole body would be; and a
 * session sending through replies like these only ever returns one or fails with the documented
 * exceptions, sending a request at most three times.
 */
class ApiReplyFuzzTest {
  private static final List<Dialect> PRESETS = Arrays.asList(
      Script.DIALECT,
      Dialect.putBearer(Script.TOKEN_URI),
      Dialect.code1002(Script.TOKEN_URI, null),
      Dialect.code50014(Script.TOKEN_URI),
      Dialect.code401(Script.TOKEN_URI));
  private static final String[] POINTERS = {"/code", "/data/code", "/error", "/a~1b", "/~0", "/", "//", "/0", "/errors/0/code"};

  /** A reply as an adapter sees it. */
  static final class ApiReply {
    final int status;
    final String challenge;
    final byte[] body;

    ApiReply(int status, String challenge, byte[] body) {
      this.status = status;
      this.challenge = challenge;
      this.body = body;
    }

    String header(String name) {
      return name.equalsIgnoreCase("WWW-Authenticate") ? challenge : null;
    }
  }

  /** The signals a dialect reads API replies with: a preset's, or made up from hostile configuration. */
  static List<Signal> signals(SplittableRandom r) {
    if (r.nextBoolean()) {
      Dialect d = HostileInput.pick(r, PRESETS);
      List<Signal> s = new ArrayList<>(d.accessTokenRejected());
      s.addAll(d.sessionEnded());
      return s;
    }
    List<Signal> s = new ArrayList<>();
    for (int i = 1 + r.nextInt(3); i > 0; i--) {
      Signal signal = r.nextBoolean() ? Signal.status(HostileInput.pick(r, Arrays.asList(200, 400, 401, 403)))
          : Signal.body(pointer(r), value(r));
      if (r.nextInt(3) == 0) signal = signal.withBody(pointer(r), value(r), value(r));
      if (r.nextInt(4) == 0) signal = signal.withBearerError(r.nextBoolean() ? "invalid_token" : "x" + HostileInput.text(r, 10));
      s.add(signal);
    }
    return s;
  }

  private static String pointer(SplittableRandom r) {
    return r.nextInt(4) == 0 ? "/" + HostileInput.text(r, 12) : POINTERS[r.nextInt(POINTERS.length)];
  }

  private static Object value(SplittableRandom r) {
    switch (r.nextInt(4)) {
      case 0: return 1002;
      case 1: return "invalid_token";
      case 2: return HostileInput.text(r, 8);
      default: return r.nextLong();
    }
  }

  /** A reply whose body sometimes holds what the signals look for, in JSON of every shape. */
  static ApiReply reply(Fuzz.Try t) {
    SplittableRandom r = t.random;
    StringBuilder json = new StringBuilder("{");
    for (int i = r.nextInt(4); i > 0; i--) {
      String key = HostileInput.pick(r, Arrays.asList("code", "error", "data", "a/b", "~", "", "0", "msg"));
      String v = r.nextBoolean() ? HostileInput.pick(r, Arrays.asList("1002", "\"1002\"", "50014", "401", "\"invalid_token\"",
          "{\"code\":50014}", "[{\"code\":1}]", "1002.0", "true", "false", "null", "\"été\""))
          : HostileInput.json(r, 3, new ArrayList<>());
      if (json.length() > 1) json.append(',');
      json.append(HostileInput.quote(key)).append(':').append(v);
    }
    String text = json.append('}').toString();
    byte[] body;
    switch (r.nextInt(8)) {
      case 0: body = HostileInput.bytes(r, 2048); break;
      case 1: body = HostileInput.nested(r, text).getBytes(StandardCharsets.UTF_8); break;
      case 2: case 3: body = HostileInput.mutate(r, text.getBytes(StandardCharsets.UTF_8)); break;
      case 4: body = (text + HostileInput.json(r, 2, new ArrayList<>())).getBytes(StandardCharsets.UTF_8); break; // a stream of values
      default: body = text.getBytes(StandardCharsets.UTF_8); break;
    }
    String challenge;
    switch (r.nextInt(4)) {
      case 0: challenge = null; break;
      case 1: challenge = "Bearer realm=\"api\", error=\"invalid_token\""; break;
      case 2: challenge = "Bearer " + HostileInput.text(r, 40); break;
      default: challenge = HostileInput.text(r, 40); break;
    }
    ApiReply reply = new ApiReply(HostileInput.status(r), challenge, body);
    t.note("status", reply.status);
    t.note("WWW-Authenticate", challenge);
    t.note("body", body);
    return reply;
  }

  private static List<Boolean> classify(List<Signal> signals, ApiReply reply, byte[] body) {
    JsonNode json = Json.parseOrNull(body);
    List<Boolean> verdicts = new ArrayList<>();
    for (Signal s : signals) verdicts.add(s.matches(reply.status, reply::header, json));
    return verdicts;
  }

  @Test
  void aBodyPeekedUntilItIsEnoughIsClassifiedAsTheWholeBody() {
    SessionCalls calls = SessionCalls.of(TokenSession.builder(Script.DIALECT, new Script.Transport()).build());
    Fuzz.check("API reply classification", 3000, t -> {
      List<Signal> signals = signals(t.random);
      t.note("signals", signals);
      ApiReply reply = reply(t);
      List<Boolean> whole = classify(signals, reply, reply.body);
      for (int cuts = 0; cuts < 8; cuts++) {
        int length = cuts == 0 ? reply.body.length : t.random.nextInt(reply.body.length + 1);
        if (calls.peekIsEnough(reply.body, length)) {
          t.note("peeked bytes", length);
          assertThat(classify(signals, reply, Arrays.copyOf(reply.body, length))).isEqualTo(whole);
        }
      }
    });
  }

  @Test
  void aSessionReturnsAnyApiReplyOrFailsWithTheDocumentedExceptions() {
    Fuzz.check("API reply through a session", 300, t -> {
      Dialect dialect = HostileInput.pick(t.random, PRESETS);
      Tokens tokens = RefreshReplyFuzzTest.previousTokens(t.random);
      List<String> secrets = new CopyOnWriteArrayList<>(Arrays.asList(tokens.accessToken(), tokens.refreshToken()));
      RefreshTransport refreshEndpoint = request -> {
        FuzzedRefreshReply f = FuzzedRefreshReply.generate(t, dialect, tokens, false, 64 * 1024);
        secrets.addAll(f.secrets);
        return CompletableFuture.completedFuture(f.reply());
      };
      TokenSession session = TokenSession.builder(dialect, refreshEndpoint).scope(Script.API)
          .retry(1, Duration.ZERO, Duration.ZERO).build();
      session.signIn(tokens);
      AtomicInteger sends = new AtomicInteger();
      Function<String, ApiReply> api = header -> {
        sends.incrementAndGet();
        return reply(t);
      };
      try {
        ApiReply got = SessionCalls.of(session).execute(Script.API, exchange(api));
        assertThat(got).isNotNull();
      } catch (LoginRequiredException | RefreshFailedException e) {
        LeakCheck.assertNoSecretIn(secrets, e);
      }
      assertThat(sends.get()).isBetween(1, 3);
    });
  }

  private static Exchange.Blocking<ApiReply> exchange(Function<String, ApiReply> api) {
    return new Exchange.Blocking<ApiReply>() {
      @Override
      public ApiReply send(String tokenHeaderValue) {
        return api.apply(tokenHeaderValue);
      }

      @Override
      public int status(ApiReply reply) {
        return reply.status;
      }

      @Override
      public String header(ApiReply reply, String name) {
        return reply.header(name);
      }

      @Override
      public byte[] body(ApiReply reply) {
        return reply.body;
      }

      @Override
      public void discard(ApiReply reply) {}
    };
  }
}
