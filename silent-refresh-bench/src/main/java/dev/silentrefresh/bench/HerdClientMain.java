package dev.silentrefresh.bench;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.silentrefresh.Dialect;
import dev.silentrefresh.Tokens;
import dev.silentrefresh.conformance.Clients;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A herd's client in a JVM of its own, driven over stdin/stdout by {@link HerdScenario} (the tokens come over the
 * pipe, never on a command line). Per herd it reads {@code herd CLIENT SIZE}, then one line each: the token endpoint,
 * the client id, the API URI, the access token, the refresh token; it answers {@code plain P50 P99 FAILED} after the
 * plain burst, waits for {@code go} (the server has expired the tokens), and answers the herd's JSON on one line.
 * {@code exit} ends it.
 */
public final class HerdClientMain {
  private HerdClientMain() {}

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
      String[] command = line.split(" ");
      Clients kind = Clients.parse(command[1]).get(0);
      int size = Integer.parseInt(command[2]);
      Dialect dialect = Dialect.oauth2(URI.create(in.readLine()), in.readLine());
      URI me = URI.create(in.readLine());
      Tokens tokens = Tokens.builder().accessToken(in.readLine()).refreshToken(in.readLine())
          .expiresAt(Instant.now().plusSeconds(3600)).build();
      try (HerdClient client = new HerdClient(kind, dialect, tokens, me)) {
        Burst.Outcome plain = client.plain(size);
        out.println("plain " + plain.p50Millis() + " " + plain.p99Millis() + " " + plain.failed());
        if (!"go".equals(in.readLine())) return;
        int[] extraThreads = new int[1];
        Burst.Outcome herd = client.herd(size, extraThreads);
        out.println(Json.MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(Map.of("succeeded", herd.succeeded(),
            "failed", herd.failed(), "p50Millis", herd.p50Millis(), "p99Millis", herd.p99Millis(),
            "extraThreads", extraThreads[0])));
      }
    }
    System.exit(0); // client libraries may leave non-daemon threads behind
  }
}
