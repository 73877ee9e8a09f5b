package dev.silentrefresh.okhttp;

import dev.silentrefresh.spi.SessionCalls;
import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * A network interceptor: OkHttp follows redirects below application interceptors and copies every
 * header but {@code Authorization} (dropped only across hosts) to the next hop. This removes the
 * session's token header from any request on the wire whose origin is outside the session's scope.
 */
final class OffScopeTokenGuard implements Interceptor {
  static final OffScopeTokenGuard INSTANCE = new OffScopeTokenGuard();

  private OffScopeTokenGuard() {}

  @Override
  public Response intercept(Chain chain) throws IOException {
    Request request = chain.request();
    TokenAttached token = request.tag(TokenAttached.class);
    // the origin the token was attached for was in scope: only a request a redirect moved elsewhere is judged
    if (token != null && !OriginUri.sameOrigin(request.url(), token.attachedFor)
        && !SessionCalls.of(token.session).inScope(request.url().uri())) {
      request = request.newBuilder().removeHeader(token.header).build();
    }
    return chain.proceed(request);
  }

  @Override
  public String toString() {
    return "SilentRefresh off-scope token guard";
  }
}
