package dev.silentrefresh.okhttp;

import dev.silentrefresh.TokenSession;

/**
 * The tag on a request that carries a session's token: which header, and the session whose scope
 * it may go to. Follow-up requests (redirects, retries) keep it. Holds no secret.
 */
final class TokenAttached {
  final TokenSession session;
  final String header;

  TokenAttached(TokenSession session, String header) {
    this.session = session;
    this.header = header;
  }

  @Override
  public String toString() {
    return "SilentRefresh token in " + header;
  }
}
