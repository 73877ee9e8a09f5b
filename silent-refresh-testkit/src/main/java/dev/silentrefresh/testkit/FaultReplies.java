package dev.silentrefresh.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * The replies of the faults that answer instead of the server: every fault but the waits, the holds, those that
 * send no response and the two that process the request (DROP_AFTER_COMMIT, REJECT_TOKENS).
 */
final class FaultReplies {
  private static final String HTML_PAGE = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>"
      + "<body><center><h1>502 Bad Gateway</h1></center><hr><center>proxy</center></body></html>\n";
  private static final JsonNode PLACEHOLDER_ACCESS =
      TextNode.valueOf("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwbGFjZWhvbGRlciJ9.cGxhY2Vob2xkZXI");
  private static final JsonNode PLACEHOLDER_REFRESH = TextNode.valueOf("cGxhY2Vob2xkZXItcmVmcmVzaC10b2tlbi12YWx1ZQ");
  private static final String WRONG_TYPES_USER = "{\"id\":{\"value\":1},\"username\":42,\"displayName\":[\"Demo\"]}";

  private final ServerProtocol protocol;
  private final Clock clock;
  private final long expiresIn;
  private final long refreshExpiresIn;

  FaultReplies(ServerProtocol protocol, Clock clock, long expiresIn, long refreshExpiresIn) {
    this.protocol = protocol;
    this.clock = clock;
    this.expiresIn = expiresIn;
    this.refreshExpiresIn = refreshExpiresIn;
  }

  /** The reply of {@code fault} on {@code endpoint}; {@code setting} is its Retry-After where it has one. */
  Reply reply(Endpoint endpoint, Faults.Fault fault, Duration setting) {
    switch (fault) {
      case SERVER_ERROR:
        return protocol.serverError();
      case SERVICE_UNAVAILABLE:
        return Reply.json(503, "{\"error\":\"service_unavailable\"}")
            .withHeader("Retry-After", RetryAfter.seconds(setting));
      case TOO_MANY_REQUESTS:
        return RetryAfter.tooManyRequests(RetryAfter.seconds(setting));
      case TOO_MANY_REQUESTS_DATE:
        return RetryAfter.tooManyRequests(RetryAfter.httpDate(clock.instant(), setting));
      case HTML_ERROR_PAGE:
        return Reply.of(502, "text/html", HTML_PAGE.getBytes(StandardCharsets.UTF_8));
      case MALFORMED_JSON:
        return Reply.json(200, "{\"access_tok");
      case TRUNCATED_JSON:
        return shaped(endpoint, PLACEHOLDER_ACCESS, PLACEHOLDER_REFRESH, AuthLogic.userJson("demo")).truncated();
      case WRONG_TYPES:
        var object = Json.object().put("value", "not-a-string");
        return shaped(endpoint, IntNode.valueOf(12345), object, WRONG_TYPES_USER);
      case MISSING_FIELDS:
        return shaped(endpoint, null, null, null);
      case HUGE_BODY:
        return Reply.of(200, Reply.JSON, Huge.BODY);
      case NOT_JSON:
        return Reply.of(200, "text/plain", "OK".getBytes(StandardCharsets.UTF_8));
      default:
        throw new IllegalArgumentException(fault + " does not replace the reply");
    }
  }

  private Reply shaped(Endpoint endpoint, JsonNode access, JsonNode refresh, String user) {
    return endpoint == Endpoint.API ? protocol.api(user)
        : protocol.tokens(endpoint, new ServerProtocol.TokenFields(access, refresh, expiresIn, refreshExpiresIn));
  }

  /** Built on first use only. */
  private static final class Huge {
    static final byte[] BODY = build(5 * 1024 * 1024);

    private static byte[] build(int size) {
      byte[] head = "{\"padding\":\"".getBytes(StandardCharsets.US_ASCII);
      byte[] body = new byte[size];
      Arrays.fill(body, (byte) 'x');
      System.arraycopy(head, 0, body, 0, head.length);
      body[size - 2] = '"';
      body[size - 1] = '}';
      return body;
    }
  }
}
