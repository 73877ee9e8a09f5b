package dev.silentrefresh.okhttp;

import dev.silentrefresh.TokenSession;
import okhttp3.HttpUrl;

/**
 * The tag on a request that carries a session's token: which header, the session whose scope
 * it may go to, and the URL it was attached for (in that scope). Follow-up requests (redirects,
 * retries) keep it. Holds no secret.
 */
final class TokenAttached {
  final TokenSession session;
  final String header;
  final HttpUrl attachedFor;

  TokenAttached(TokenSession session, String header, HttpUrl attachedFor) {
    this.session = session;
    this.header = header;
    this.attachedFor = attachedFor;
  }

  @Override
  public String toString() {
    return "SilentRefresh token in " + header;
  }
}
