package dev.silentrefresh.examples.boot;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * {@code GET /profile}: the upstream API's {@code /api/me}. No token code: the starter put the session
 * "upstream" on Boot's {@code RestClient.Builder} (application.yml, {@code silent-refresh.clients.rest-client}).
 */
@RestController
class ProfileController {
  private final RestClient upstream;

  ProfileController(RestClient.Builder builder, @Value("${example.upstream}") String upstreamUrl) {
    this.upstream = builder.baseUrl(upstreamUrl).build();
  }

  @GetMapping(path = "/profile", produces = MediaType.APPLICATION_JSON_VALUE)
  String profile() {
    return upstream.get().uri("/api/me").retrieve().body(String.class);
  }
}
