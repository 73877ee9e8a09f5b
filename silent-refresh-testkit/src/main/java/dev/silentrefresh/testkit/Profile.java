package dev.silentrefresh.testkit;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The wire protocol ("protocol") an {@link AuthServer} speaks. One server speaks exactly one profile.
 * {@link #id()} is the name used on the command line and in reports.
 */
public enum Profile {
  /** RFC 6749 style: form posts to {@code /oauth/token}, {@code Authorization: Bearer}, 401 + {@code WWW-Authenticate}. */
  OAUTH2("oauth2"),
  /** Login {@code POST /v1_0/authorizations}, refresh {@code PUT} on the same path with the refresh token as bearer; never rotates. */
  PUT_BEARER("put-bearer"),
  /** Login {@code POST /app/login}, refresh {@code POST /app/renewal}; expired access token is HTTP 200 {@code {"code":1002}}. */
  CODE_1002("code-1002"),
  /** {@code X-Token} header, refresh {@code POST /refreshJwt/<token>}; expired is HTTP 200 {@code {"code":50014}}. */
  CODE_50014("code-50014"),
  /** {@code token} header, refresh {@code POST /token/refresh?refreshToken=…}; expired is HTTP 400 {@code {"code":401}}. */
  CODE_401("code-401");

  private final String id;

  Profile(String id) {
    this.id = id;
  }

  /** The profile's command-line name, e.g. {@code "code-1002"}. */
  public String id() {
    return id;
  }

  /**
   * Whether refreshes of this profile can replace the refresh token (and so detect reuse). False for
   * {@link #PUT_BEARER}, whose refresh reply carries only a new access token.
   */
  public boolean rotates() {
    return this != PUT_BEARER;
  }

  /**
   * Looks a profile up by its {@link #id()}.
   *
   * @throws IllegalArgumentException naming the valid ids when {@code id} is unknown
   */
  public static Profile fromId(String id) {
    for (Profile p : values()) {
      if (p.id.equals(id)) {
        return p;
      }
    }
    throw new IllegalArgumentException("unknown profile '" + id + "'; valid profiles: "
        + Arrays.stream(values()).map(Profile::id).collect(Collectors.joining(", ")));
  }
}
