package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import java.net.URI;
import org.springframework.http.HttpHeaders;

/**
 * A token on its way from the interceptor (or filter) to the request factory (or connector) that puts it
 * on the wire. Only factories and connectors that Silent Refresh made safe from redirects take it, and
 * only for a request to an origin in the session's scope; the interceptor or filter then checks that one
 * did ({@link #delivered()}). A factory or connector swapped in later never sees the token at all.
 */
final class TokenHandoff {
  /** The request attribute (WebClient) under which the filter passes the handoff to the connector. */
  static final String ATTRIBUTE = TokenHandoff.class.getName();
  private static final ThreadLocal<TokenHandoff> PENDING = new ThreadLocal<>();

  private final SessionCalls calls;
  private final String value;
  private volatile boolean delivered;

  TokenHandoff(SessionCalls calls, String value) {
    this.calls = calls;
    this.value = value;
  }

  /** Offers a token to the next request the calling thread creates (RestClient/RestTemplate). */
  static TokenHandoff offer(SessionCalls calls, String value) {
    TokenHandoff handoff = new TokenHandoff(calls, value);
    PENDING.set(handoff);
    return handoff;
  }

  /** Ends the calling thread's offer, taken or not. */
  static void withdraw() {
    PENDING.remove();
  }

  /** Called by a safe request factory for each request it creates: takes the calling thread's offer, if any. */
  static void takeOffered(URI uri, HttpHeaders headers) {
    TokenHandoff handoff = PENDING.get();
    if (handoff != null && handoff.deliverTo(uri, headers)) PENDING.remove();
  }

  /** Sets the token header on a request to {@code uri}, when that origin is in scope. */
  boolean deliverTo(URI uri, HttpHeaders headers) {
    if (!calls.inScope(uri)) return false;
    headers.set(calls.dialect().tokenHeader(), value);
    delivered = true;
    return true;
  }

  boolean delivered() {
    return delivered;
  }

  /** The header the token goes in. */
  String header() {
    return calls.dialect().tokenHeader();
  }

  /** True when {@code uri}'s origin is in the scope of the session this token is from. */
  boolean inScope(URI uri) {
    return calls.inScope(uri);
  }

  @Override
  public String toString() {
    return "TokenHandoff{delivered=" + delivered + '}'; // never the token
  }
}
