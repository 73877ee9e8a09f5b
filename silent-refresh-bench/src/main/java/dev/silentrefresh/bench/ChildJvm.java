package dev.silentrefresh.bench;

import java.nio.file.Path;

/** The {@code java} this harness runs on, for the JVMs it starts (the CLI's fleet, the peers). */
final class ChildJvm {
  private ChildJvm() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
