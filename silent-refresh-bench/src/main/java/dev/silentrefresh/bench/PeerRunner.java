package dev.silentrefresh.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs each peer's scenarios in a JVM of its own ({@link PeerMain}): on this JVM's class path, or for
 * {@code spring-security-6} on it with every {@code org/springframework} jar replaced by the Spring 6.2 / Spring
 * Security 6.5 class path that bench/run resolves ({@code silent-refresh-bench/spring6/pom.xml}).
 */
final class PeerRunner {

  private PeerRunner() {}

  /** Every peer's rows, and per peer its version or why it did not run. */
  static Map<String, Object> run(Settings settings, Path spring6ClassPath, Path work, Progress progress)
      throws Exception {
    List<Object> rows = new ArrayList<>();
    Map<String, Object> notes = new LinkedHashMap<>();
    for (String name : Peers.NAMES) {
      String classPath = System.getProperty("java.class.path");
      if (name.equals("spring-security-6")) {
        if (spring6ClassPath == null || !Files.isRegularFile(spring6ClassPath)) {
          notes.put(name, "not run: no Spring 6 class path (bench/run resolves it with silent-refresh-bench/spring6/pom.xml)");
          continue;
        }
        classPath = spring6(classPath, Files.readString(spring6ClassPath).trim());
      }
      Path out = work.resolve("peer-" + name + ".json");
      Files.deleteIfExists(out);
      Process p = new ProcessBuilder(ChildJvm.java(), "-Xmx1g", "-cp", classPath, PeerMain.class.getName(), name,
          settings.name(), out.toString())
          .redirectErrorStream(true).redirectOutput(work.resolve("peer-" + name + ".log").toFile()).start();
      if (!p.waitFor(15, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        notes.put(name, "not run to its end: over 15 minutes");
        continue;
      }
      if (p.exitValue() != 0 || !Files.isRegularFile(out)) {
        notes.put(name, "failed (exit " + p.exitValue() + "), see " + work.resolve("peer-" + name + ".log"));
        continue;
      }
      Map<?, ?> result = Json.MAPPER.readValue(out.toFile(), Map.class);
      rows.addAll((List<?>) result.get("rows"));
      notes.put(name, result.containsKey("version") ? "Spring Security " + result.get("version") : "ran");
      progress.say("peer " + name + ": done");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rows", rows);
    m.put("notes", notes);
    return m;
  }

  /** {@code classPath} without its Spring jars, then {@code spring6}. */
  static String spring6(String classPath, String spring6) {
    String kept = Arrays.stream(classPath.split(File.pathSeparator))
        .filter(entry -> !entry.replace('\\', '/').contains("/org/springframework/"))
        .collect(Collectors.joining(File.pathSeparator));
    return kept + File.pathSeparator + spring6;
  }
}
