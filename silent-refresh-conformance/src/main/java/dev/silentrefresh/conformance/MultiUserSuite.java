package dev.silentrefresh.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.silentrefresh.LoginRequiredException;
import dev.silentrefresh.TokenSession;
import dev.silentrefresh.TokenSessions;
import dev.silentrefresh.testkit.AuthServer;
import dev.silentrefresh.testkit.Profile;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Many users' sessions behind one client (a {@link TokenSessions} registry, as in a backend-for-frontend), for
 * every adapter and every way it lets a request name its user: each request goes through its own user's session
 * and no other, each user's session refreshes once per expiry, and a request naming no user, or a user without a
 * session, is sent nowhere. Against the reference server with rotation, reuse detection and no grace window, so a
 * token presented twice would be seen; every claim is asserted on the server's counters. An adapter's test
 * extends this class and supplies {@link #newClient()}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class MultiUserSuite extends ClientSuite {
  private static final int USERS = 20;
  private static final int BURST = 200;
  private static final Pattern USERNAME = Pattern.compile("\"username\":\"([^\"]*)\"");

  /** A reference server and a registry making each user's session on first use, refreshing through the adapter. */
  private final class World implements AutoCloseable {
    final AuthServer server;
    final TokenSessions sessions;
    final UsersCaller caller;

    World(Profile profile) {
      server = AuthServer.builder(profile).rotation(true).reuseDetection(true).grace(Duration.ZERO).start();
      sessions = TokenSessions.builder(user -> TokenSession.builder(server.dialect(), client().transport())
          .retry(2, Duration.ofMillis(10), Duration.ofMillis(50))
          .refreshTimeout(Duration.ofSeconds(5))
          .build()).build();
      caller = client().usersCaller(sessions);
    }

    URI me() {
      return server.apiUri("/api/me");
    }

    void signInAll() throws IOException {
      for (int u = 0; u < USERS; u++) sessions.get(user(u)).signIn(server.issueTokens(user(u)).toTokensWithoutExpiry());
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private static String user(int u) {
    return String.format(Locale.ROOT, "user-%02d", u);
  }

  /** One request of a burst: whose, named how, blocking or not. */
  private static final class Send {
    final String user;
    final String way;
    final boolean async;

    Send(String user, String way, boolean async) {
      this.user = user;
      this.way = way;
      this.async = async;
    }

    CallReply run(UsersCaller caller, URI uri) throws Exception {
      return async ? caller.getAsync(way, user, uri).get(60, TimeUnit.SECONDS) : caller.get(way, user, uri);
    }

    @Override
    public String toString() {
      return user + " by " + way + (async ? " (async)" : "");
    }
  }

  /**
   * {@code BURST} concurrent requests, users interleaved (consecutive requests are for different users), every
   * way of naming them and both APIs mixed. Returns what went wrong: failures, and replies that name another user.
   */
  private List<String> burst(World w) throws Exception {
    List<String> ways = w.caller.ways();
    List<Send> sends = new ArrayList<>();
    for (int i = 0; i < BURST; i++) {
      // each block of USERS requests is every user once, in one way; a cycle of the ways later, the other API
      sends.add(new Send(user(i * 7 % USERS), ways.get(i / USERS % ways.size()), (i + i / (USERS * ways.size())) % 2 == 1));
    }
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(BURST);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (Send send : sends) {
        done.add(pool.submit(() -> {
          start.await();
          try {
            CallReply reply = send.run(w.caller, w.me());
            String answeredAs = answeredAs(reply);
            if (reply.status() != 200 || !send.user.equals(answeredAs)) {
              wrong.add(send + ": status " + reply.status() + " as " + answeredAs);
            }
          } catch (Exception e) {
            wrong.add(send + ": " + e);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) f.get(90, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    return new ArrayList<>(wrong);
  }

  /** The user {@code /api/me} answered as, or null. */
  private static String answeredAs(CallReply reply) {
    Matcher m = USERNAME.matcher(reply.body());
    return m.find() ? m.group(1) : null;
  }

  /** What a call failed with, unwrapped from the future; null when it succeeded. */
  private static Throwable failureOf(UsersCaller caller, Send send, URI uri) {
    try {
      send.run(caller, uri);
      return null;
    } catch (ExecutionException | CompletionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
  }

  // ---- the scenarios ---------------------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(Profile.class)
  void everyReplyIsForTheUserItWasSentForAndEachUserRefreshesOncePerExpiry(Profile profile) throws Exception {
    try (World w = new World(profile)) {
      w.signInAll();
      assertThat(burst(w)).as("failures and replies for another user, fresh tokens").isEmpty();
      assertThat(w.server.counters().refreshCalls()).isZero();

      w.server.expireAccessTokens(); // every user's access token is rejected from now on
      assertThat(burst(w)).as("failures and replies for another user, after the expiry").isEmpty();
      assertThat(w.server.counters().refreshCalls()).as("one refresh per user").isEqualTo(USERS);
      assertThat(w.server.counters().refreshSucceeded()).isEqualTo(USERS);
      assertThat(w.server.counters().reuseDetected()).as("no refresh token presented twice").isZero();
      assertThat(w.server.counters().familiesRevoked()).isZero();
      assertThat(w.server.counters().rejectedRequests()).as("at least each user's first request after the expiry")
          .isBetween((long) USERS, (long) BURST);
      assertThat(w.server.counters().apiSucceeded()).isEqualTo(2L * BURST);
      assertThat(w.sessions.keys()).hasSize(USERS);
      for (int u = 0; u < USERS; u++) assertThat(w.sessions.get(user(u)).waitingForRefresh()).isZero();
    }
  }

  @Test
  void aRequestNamingNoUserFailsAndIsSentNowhereWhileOthersGoThrough() throws Exception {
    try (World w = new World(Profile.OAUTH2)) {
      w.signInAll();
      ExecutorService pool = Executors.newFixedThreadPool(2 * USERS);
      List<Future<Throwable>> unnamed = new ArrayList<>();
      List<Future<String>> named = new ArrayList<>();
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<String> ways = w.caller.ways();
        for (int i = 0; i < 2 * USERS; i++) {
          Send none = new Send(null, ways.get(i % ways.size()), i % 4 >= 2);
          Send some = new Send(user(i % USERS), ways.get(i % ways.size()), i % 4 >= 2);
          unnamed.add(pool.submit(() -> {
            start.await();
            return failureOf(w.caller, none, w.me());
          }));
          named.add(pool.submit(() -> {
            start.await();
            return answeredAs(some.run(w.caller, w.me()));
          }));
        }
        start.countDown();
        for (Future<Throwable> f : unnamed) {
          assertThat(f.get(60, TimeUnit.SECONDS)).isInstanceOf(IOException.class)
              .isNotInstanceOf(LoginRequiredException.class).hasMessageContaining("names no session key");
        }
        for (int i = 0; i < named.size(); i++) assertThat(named.get(i).get(60, TimeUnit.SECONDS)).isEqualTo(user(i % USERS));
      } finally {
        pool.shutdownNow();
      }
      assertThat(w.server.counters().apiRequests()).as("only the named requests reached the server")
          .isEqualTo(2L * USERS);
      assertThat(w.server.counters().refreshCalls()).isZero();
      assertThat(w.sessions.keys()).hasSize(USERS);
    }
  }

  @Test
  void aRequestForAUserWithoutASessionFailsWithLoginRequiredAndIsSentNowhere() throws Exception {
    try (World w = new World(Profile.OAUTH2)) {
      w.signInAll();
      w.sessions.get(user(3)).signOut();
      for (String way : w.caller.ways()) {
        for (boolean async : new boolean[] {false, true}) {
          for (String nobody : List.of("stranger", user(3))) {
            assertThat(failureOf(w.caller, new Send(nobody, way, async), w.me()))
                .as("%s by %s", nobody, way).isInstanceOfSatisfying(LoginRequiredException.class,
                    e -> assertThat(e.reason()).isEqualTo(LoginRequiredException.Reason.NO_SESSION));
          }
          assertThat(answeredAs(new Send(user(4), way, async).run(w.caller, w.me()))).isEqualTo(user(4));
        }
      }
      int sent = 2 * w.caller.ways().size();
      assertThat(w.server.counters().apiRequests()).as("only user-04's requests were sent").isEqualTo(sent);
      assertThat(w.server.counters().refreshCalls()).isZero();
      assertThat(w.server.counters().loginCalls()).isZero();
    }
  }
}
