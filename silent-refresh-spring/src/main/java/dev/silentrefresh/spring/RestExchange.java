package dev.silentrefresh.spring;

import dev.silentrefresh.spi.SessionCalls;
import dev.silentrefresh.spi.Exchange;
import dev.silentrefresh.TokenSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.support.HttpRequestWrapper;

/** One intercepted request, sent by core's algorithm through the rest of the interceptor chain. */
final class RestExchange implements Exchange.Blocking<ClientHttpResponse> {
  private final HttpRequest request;
  private final byte[] body;
  private final ClientHttpRequestExecution execution;
  private final TokenSession session;

  RestExchange(HttpRequest request, byte[] body, ClientHttpRequestExecution execution, TokenSession session) {
    this.request = request;
    this.body = body;
    this.execution = execution;
    this.session = session;
  }

  @Override
  public ClientHttpResponse send(String tokenHeaderValue) throws IOException {
    if (tokenHeaderValue == null) return execution.execute(request, body);
    ClientHttpResponse response;
    TokenHandoff handoff = TokenHandoff.offer(SessionCalls.of(session), tokenHeaderValue);
    try {
      response = execution.execute(withoutTokenHeader(), body);
    } finally {
      TokenHandoff.withdraw();
    }
    if (!handoff.delivered()) {
      response.close();
      throw new IllegalStateException("the request went out without its token: "
          + RestRefreshInterceptor.unsafeFactory(null));
    }
    try {
      HttpHeaders headers = response.getHeaders();
      if (SessionCalls.of(session).wantsBody(response.getStatusCode().value(), headers.getFirst(HttpHeaders.CONTENT_TYPE),
          headers.getContentLength())) {
        return PeekedResponse.peek(response, SessionCalls.of(session));
      }
      return response;
    } catch (IOException | RuntimeException e) {
      response.close();
      throw e;
    }
  }

  /**
   * The caller's request without a token header of its own, on a copy of its headers (the caller's stay as
   * they were): the safe request factory sets the session's token. A request with no such header (the usual
   * case) goes as it is: no copy per request.
   */
  private HttpRequest withoutTokenHeader() {
    String tokenHeader = session.dialect().tokenHeader();
    if (request.getHeaders().getFirst(tokenHeader) == null) return request;
    HttpHeaders headers = SpringHeaders.copyWithout(request.getHeaders(), tokenHeader);
    return new HttpRequestWrapper(request) {
      @Override
      public HttpHeaders getHeaders() {
        return headers;
      }
    };
  }

  @Override
  public int status(ClientHttpResponse reply) {
    try {
      return reply.getStatusCode().value(); // already read in send(): no I/O here
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String header(ClientHttpResponse reply, String name) {
    return reply.getHeaders().getFirst(name);
  }

  @Override
  public byte[] body(ClientHttpResponse reply) {
    return reply instanceof PeekedResponse ? ((PeekedResponse) reply).bytes() : null;
  }

  @Override
  public void discard(ClientHttpResponse reply) {
    if (reply instanceof PeekedResponse) ((PeekedResponse) reply).discard(); // may stream on: never drained
    else reply.close();
  }
}
