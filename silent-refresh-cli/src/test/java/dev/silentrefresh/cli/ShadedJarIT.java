package dev.silentrefresh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar, run as users run it ({@code java -jar}), on the JDK that runs the build: nothing on the terminal
 * from the JVM itself. Java 24+ warns on stderr about {@code sun.misc.Unsafe} memory access and about native access
 * from the class path (Netty, under WebClient, does both unless told not to).
 *
 * <p>Runs in the {@code integration-test} phase (surefire execution {@code shaded-jar}), after {@code package} has
 * built the jar; the execution passes its path as the system property {@code shadedJar}.
 */
class ShadedJarIT {
  private static Path jar;
  private static Path java;

  @TempDir Path dir;

  @BeforeAll
  static void findJarAndJava() {
    String path = System.getProperty("shadedJar");
    assumeTrue(path != null, "run by the shaded-jar execution, after package");
    jar = Path.of(path);
    assertThat(jar).as("the shaded jar").isRegularFile();
    java = Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private ProcessBuilder cli(String... args) {
    List<String> command = new ArrayList<>(List.of(java.toString(), "-jar", jar.toString()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
  }

  private String stderr() throws IOException {
    return Files.readString(dir.resolve("stderr.txt"), StandardCharsets.UTF_8);
  }

  private static String jvm() {
    return "java " + Runtime.version();
  }

  @Test
  void demoThroughEveryClientPrintsNoJvmWarning() throws Exception {
    Process p = cli("demo", "--dialect", "oauth2", "--duration", "1", "--users", "5", "--access-ttl", "3600")
        .redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("demo ended").isTrue();
    String out = Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out + stderr()).isZero();
    assertThat(out).contains("webclient").contains("okhttp").contains("All requests succeeded.");
    assertThat(stderr()).as("stderr on " + jvm()).doesNotContain("WARNING").isEmpty();
  }

  /**
   * The fleet demo from the jar: its processes are started from the jar too, and WebClient (Reactor Netty) runs in
   * them next to Lettuce, on the one Netty the jar holds. Needs the real Redis (skipped without it, failed under CI).
   */
  @Test
  void fleetDemoRunsItsProcessesFromTheJar() throws Exception {
    String redis = TestRedis.require();
    Process p = cli("demo", "--fleet", "2", "--redis", redis, "--dialect", "code-401", "--client", "webclient",
        "--users", "3", "--expiries", "3").redirectOutput(dir.resolve("stdout.txt").toFile()).start();
    try {
      assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("fleet demo ended").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String out = Files.readString(dir.resolve("stdout.txt"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out + stderr()).isZero();
    assertThat(out).contains("code-401 \u00b7 webclient: 3 expiries, 3 refresh calls, 0 reuse detected")
        .contains("All requests succeeded; one refresh call per expiry (3 in all)");
    assertThat(stderr()).as("stderr on " + jvm()).isEmpty();
  }

  @Test
  void servePrintsNoJvmWarning() throws Exception {
    Process p = cli("serve", "--dialect", "oauth2", "--port", "0").start();
    // Not closed here: closing waits for a pending readLine. Stopping the process ends both.
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    try {
      String first = CompletableFuture.supplyAsync(() -> {
        try {
          return out.readLine();
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }).get(60, TimeUnit.SECONDS);
      assertThat(first).as(stderr()).contains("listening on http://127.0.0.1:");
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("serve stopped").isTrue();
    }
    assertThat(stderr()).as("stderr on " + jvm()).doesNotContain("WARNING").isEmpty();
  }
}
