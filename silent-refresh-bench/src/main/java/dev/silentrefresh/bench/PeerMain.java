package dev.silentrefresh.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One peer's scenarios in a JVM of its own (so that peers never share a class path, threads or a JIT's profile):
 * {@code PeerMain NAME quick|full OUT.json}. Progress goes to stderr; the rows to OUT.json.
 */
public final class PeerMain {
  private PeerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: PeerMain NAME quick|full OUT.json");
      System.exit(2);
    }
    Peer peer = Peers.byName(args[0]);
    Settings settings = args[1].equals("full") ? Settings.FULL : Settings.QUICK;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", peer.name());
    if (peer instanceof SpringSecurityPeer) out.put("version", SpringSecurityPeer.version());
    out.put("rows", PeerScenarios.run(peer, settings, new Progress(System.err)));
    Json.write(Path.of(args[2]), out);
    System.exit(0); // client libraries may leave non-daemon threads behind
  }
}
