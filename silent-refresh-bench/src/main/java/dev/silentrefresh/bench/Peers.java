package dev.silentrefresh.bench;

import java.util.List;

/** The peers by name, as {@link PeerMain} takes them. */
final class Peers {
  /** The library, Spring Security (7 here, 6 in its own JVM), Google's, and the two hand-written authenticators. */
  static final List<String> NAMES = List.of("silent-refresh", "spring-security-7", "spring-security-6", "google-auth",
      "okhttp-authenticator", "okhttp-authenticator-checked");

  private Peers() {}

  static Peer byName(String name) {
    switch (name) {
      case "silent-refresh": return new SilentRefreshPeer();
      case "spring-security-7":
      case "spring-security-6": {
        Peer p = new SpringSecurityPeer();
        if (!p.name().equals(name)) {
          throw new IllegalStateException(name + " asked for, but the class path holds Spring Security "
              + SpringSecurityPeer.version());
        }
        return p;
      }
      case "google-auth": return new GoogleAuthPeer();
      case "okhttp-authenticator": return new OkHttpAuthenticatorPeer(false);
      case "okhttp-authenticator-checked": return new OkHttpAuthenticatorPeer(true);
      default: throw new IllegalArgumentException("unknown peer '" + name + "'; expected one of " + NAMES);
    }
  }
}
