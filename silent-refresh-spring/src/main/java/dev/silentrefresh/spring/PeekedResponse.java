package dev.silentrefresh.spring;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.client.ClientHttpResponse;

/**
 * A reply whose body was read ahead (at most {@code limit + 1} bytes) so that core can look for a body
 * signal. The caller still gets the whole body: the bytes read ahead, then the rest of the stream.
 */
final class PeekedResponse implements ClientHttpResponse {
  private final ClientHttpResponse response;
  private final byte[] prefix;
  private final boolean whole;
  private InputStream body;

  private PeekedResponse(ClientHttpResponse response, byte[] prefix, boolean whole) {
    this.response = response;
    this.prefix = prefix;
    this.whole = whole;
  }

  static PeekedResponse peek(ClientHttpResponse response, int limit) throws IOException {
    byte[] prefix = response.getBody().readNBytes(limit + 1);
    return new PeekedResponse(response, prefix, prefix.length <= limit);
  }

  /** The whole body when it fit the limit (a copy), else null: a longer body cannot be a signal. */
  byte[] bytes() {
    return whole ? prefix.clone() : null;
  }

  @Override
  public synchronized InputStream getBody() throws IOException {
    if (body == null) {
      InputStream read = new ByteArrayInputStream(prefix);
      body = whole ? read : new SequenceInputStream(read, response.getBody());
    }
    return body;
  }

  @Override
  public HttpStatusCode getStatusCode() throws IOException {
    return response.getStatusCode();
  }

  @Override
  public String getStatusText() throws IOException {
    return response.getStatusText();
  }

  @Override
  public HttpHeaders getHeaders() {
    return response.getHeaders();
  }

  @Override
  public void close() {
    response.close();
  }
}
