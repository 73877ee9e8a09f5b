package dev.silentrefresh.jdk;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** The reply handed to the caller: the final reply's status and headers, the caller's body, the caller's request. */
final class RefreshedResponse<T> implements HttpResponse<T> {
  private final HttpResponse<?> reply;
  private final HttpRequest request;
  private final T body;

  RefreshedResponse(HttpResponse<?> reply, HttpRequest request, T body) {
    this.reply = reply;
    this.request = request;
    this.body = body;
  }

  @Override
  public int statusCode() {
    return reply.statusCode();
  }

  /** The caller's request as they built it (without the token header core added). */
  @Override
  public HttpRequest request() {
    return request;
  }

  @Override
  public Optional<HttpResponse<T>> previousResponse() {
    return Optional.empty();
  }

  @Override
  public HttpHeaders headers() {
    return reply.headers();
  }

  @Override
  public T body() {
    return body;
  }

  @Override
  public Optional<SSLSession> sslSession() {
    return reply.sslSession();
  }

  @Override
  public URI uri() {
    return reply.uri();
  }

  @Override
  public HttpClient.Version version() {
    return reply.version();
  }

  @Override
  public String toString() {
    return "(" + request.method() + " " + reply.uri() + ") " + reply.statusCode();
  }
}
