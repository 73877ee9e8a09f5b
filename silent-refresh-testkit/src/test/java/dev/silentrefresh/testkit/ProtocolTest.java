package dev.silentrefresh.testkit;

import static dev.silentrefresh.testkit.Wire.assertDead;
import static dev.silentrefresh.testkit.Wire.assertExpired;
import static dev.silentrefresh.testkit.Wire.assertInvalid;
import static dev.silentrefresh.testkit.Wire.assertMe;
import static dev.silentrefresh.testkit.Wire.assertMissing;
import static dev.silentrefresh.testkit.Wire.json;
import static dev.silentrefresh.testkit.Wire.me;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every profile's wire protocol, over real HTTP. */
class ProtocolTest extends ServerTestBase {

  @ParameterizedTest
  @EnumSource(Profile.class)
  void loginThenApiReturnsTheExactUser(Profile p) {
    AuthServer s = start(p);
    HttpResponse<String> login = Wire.login(s);

    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(fieldNames(json(login))).isEqualTo(expectedLoginShape(p));
    Wire.Tokens tokens = Wire.tokens(p, Endpoint.LOGIN, json(login));
    assertThat(tokens.access()).isNotBlank();
    assertThat(tokens.refresh()).isNotBlank();
    assertThat(Base64.getUrlDecoder().decode(tokens.refresh())).hasSize(32);

    assertMe(p, me(s, tokens.access()));
    assertThat(s.counters().loginCalls()).isEqualTo(1);
    assertThat(s.counters().apiRequests()).isEqualTo(1);
    assertThat(s.counters().apiSucceeded()).isEqualTo(1);
    assertThat(s.counters().rejectedRequests()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void accessTokenCarriesTheDocumentedClaims(Profile p) throws Exception {
    AuthServer s = start(p);
    SignedJWT jwt = SignedJWT.parse(Wire.loginTokens(s).access());
    JWTClaimsSet claims = jwt.getJWTClaimsSet();

    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
    assertThat(jwt.getHeader().getKeyID()).isNotBlank();
    assertThat(claims.getSubject()).isEqualTo("demo");
    assertThat(claims.getIssuer()).isEqualTo("silent-refresh-testkit");
    assertThat(claims.getAudience()).containsExactly("silent-refresh-api");
    assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
    assertThat(claims.getNotBeforeTime().toInstant()).isEqualTo(clock.instant());
    assertThat(claims.getExpirationTime().toInstant()).isEqualTo(clock.instant().plus(ACCESS_TTL));
    assertThat(claims.getJWTID()).isNotBlank();
    assertThat(claims.getStringClaim("fam")).isNotBlank();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void badCredentialsAreAClientError(Profile p) {
    AuthServer s = start(p);
    HttpResponse<String> r = Wire.login(s, "demo", "wrong");
    if (p == Profile.OAUTH2) {
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(json(r).path("error").asText()).isEqualTo("invalid_grant");
    } else {
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(json(r)).isEqualTo(json(p == Profile.CODE_401 // its front ends read msg
          ? "{\"code\":401,\"msg\":\"bad credentials\",\"message\":\"bad credentials\"}"
          : "{\"code\":401,\"message\":\"bad credentials\"}"));
    }
    assertThat(Wire.login(s, "nobody", "demo-password").statusCode()).isIn(400, 401);
    assertThat(s.counters().loginCalls()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void expiredAccessTokenGetsTheProfilesExpiredReply(Profile p) {
    AuthServer s = start(p);
    Wire.Tokens tokens = Wire.loginTokens(s);
    clock.advance(ACCESS_TTL.minusSeconds(1));
    assertMe(p, me(s, tokens.access()));

    clock.advance(Duration.ofSeconds(1)); // now == exp: no longer valid
    assertExpired(p, me(s, tokens.access()));
    assertThat(s.counters().rejectedRequests()).isEqualTo(1);
    assertThat(s.counters().apiRequests()).isEqualTo(2);
    assertThat(s.counters().apiSucceeded()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void expireAccessTokensExpiresEveryTokenIssuedSoFarButNotLaterOnes(Profile p) {
    AuthServer s = start(p);
    Wire.Tokens first = Wire.loginTokens(s);
    Wire.Tokens second = Wire.loginTokens(s);
    s.expireAccessTokens();
    assertExpired(p, me(s, first.access()));
    assertExpired(p, me(s, second.access()));
    Wire.Tokens refreshed = Wire.refreshTokens(s, first.refresh());
    assertMe(p, me(s, refreshed.access()));
    assertMe(p, me(s, Wire.loginTokens(s).access()));
    assertThat(s.counters().rejectedRequests()).isEqualTo(2);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void missingTokenIsRejected(Profile p) {
    AuthServer s = start(p);
    assertMissing(p, me(s, null));
    assertThat(s.counters().rejectedRequests()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void issueExpiredTokensGivesAnExpiredAccessTokenAndAValidRefreshToken(Profile p) {
    AuthServer s = start(p);
    IssuedTokens issued = s.issueExpiredTokens("demo");
    assertThat(issued.expiresIn()).isZero();
    assertExpired(p, me(s, issued.accessToken()));

    Wire.Tokens fresh = Wire.refreshTokens(s, issued.refreshToken());
    assertMe(p, me(s, fresh.access()));
    assertThat(s.counters().loginCalls()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void refreshGivesAWorkingAccessToken(Profile p) {
    AuthServer s = start(p);
    Wire.Tokens tokens = Wire.loginTokens(s);
    clock.advance(ACCESS_TTL.plusSeconds(1));
    assertExpired(p, me(s, tokens.access()));

    HttpResponse<String> r = Wire.refresh(s, tokens.refresh());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(fieldNames(json(r))).isEqualTo(expectedRefreshShape(p));
    Wire.Tokens fresh = Wire.tokens(p, Endpoint.REFRESH, json(r));
    assertThat(fresh.access()).isNotEqualTo(tokens.access());
    if (p == Profile.PUT_BEARER) {
      assertThat(fresh.refresh()).isNull(); // this protocol keeps the refresh token
    } else {
      assertThat(fresh.refresh()).isNotEqualTo(tokens.refresh()); // rotation is on by default
    }
    assertMe(p, me(s, fresh.access()));
    assertThat(s.counters().refreshCalls()).isEqualTo(1);
    assertThat(s.counters().refreshSucceeded()).isEqualTo(1);
    assertThat(s.counters().refreshRejected()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void revokedRefreshTokenIsDead(Profile p) {
    AuthServer s = start(p);
    Wire.Tokens a = Wire.loginTokens(s);
    IssuedTokens b = s.issueTokens("demo");
    s.revokeAllRefreshTokens();

    assertDead(p, Wire.refresh(s, a.refresh()));
    assertDead(p, Wire.refresh(s, b.refreshToken()));
    assertThat(s.counters().refreshRejected()).isEqualTo(2);
    assertThat(s.counters().refreshSucceeded()).isZero();
    // a login after the revocation starts a live family
    Wire.refreshTokens(s, Wire.loginTokens(s).refresh());
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void refreshTokenPastItsTtlIsDead(Profile p) {
    AuthServer s = start(p);
    Wire.Tokens tokens = Wire.loginTokens(s);
    clock.advance(REFRESH_TTL.minusSeconds(1));
    Wire.Tokens next = Wire.refreshTokens(s, tokens.refresh());

    clock.advance(Duration.ofSeconds(1)); // now == the first token's expiry
    assertDead(p, Wire.refresh(s, tokens.refresh())); // expired is checked before reuse
    assertThat(s.counters().reuseDetected()).isZero();
    if (p == Profile.PUT_BEARER) {
      return; // never rotates: there is no successor
    }
    Wire.Tokens third = Wire.refreshTokens(s, next.refresh()); // the successor got a fresh lifetime
    clock.advance(REFRESH_TTL);
    assertDead(p, Wire.refresh(s, third.refresh()));
    assertThat(s.counters().reuseDetected()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = "PUT_BEARER", mode = EnumSource.Mode.EXCLUDE)
  void unknownRefreshTokenIsDead(Profile p) {
    AuthServer s = start(p);
    assertDead(p, Wire.refresh(s, "bm90LWEtcmVhbC1yZWZyZXNoLXRva2VuLWF0LWFsbC0xMjM0"));
    assertThat(s.counters().refreshRejected()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = "PUT_BEARER", mode = EnumSource.Mode.EXCLUDE)
  void reuseOfARotatedTokenRevokesTheWholeFamily(Profile p) {
    AuthServer s = start(p);
    Wire.Tokens first = Wire.loginTokens(s);
    Wire.Tokens second = Wire.refreshTokens(s, first.refresh());
    IssuedTokens otherFamily = s.issueTokens("demo");

    assertDead(p, Wire.refresh(s, first.refresh()));
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
    assertThat(s.counters().familiesRevoked()).isEqualTo(1);

    assertDead(p, Wire.refresh(s, second.refresh())); // the successor died with its family
    assertDead(p, Wire.refresh(s, first.refresh()));  // a revoked family is just dead, no second detection
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
    assertThat(s.counters().refreshRejected()).isEqualTo(3);
    Wire.refreshTokens(s, otherFamily.refreshToken()); // other families are untouched
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = "PUT_BEARER", mode = EnumSource.Mode.EXCLUDE)
  void reuseWithinGraceIsAccepted(Profile p) {
    AuthServer s = start(p, b -> b.grace(Duration.ofSeconds(10)));
    Wire.Tokens first = Wire.loginTokens(s);
    Wire.Tokens second = Wire.refreshTokens(s, first.refresh());

    clock.advance(Duration.ofSeconds(9));
    Wire.Tokens again = Wire.refreshTokens(s, first.refresh());
    assertThat(again.refresh()).isNotEqualTo(second.refresh());
    assertMe(p, me(s, again.access()));
    assertThat(s.counters().reuseDetected()).isZero();
    Wire.refreshTokens(s, second.refresh()); // the family lives on

    clock.advance(Duration.ofSeconds(1)); // grace over
    assertDead(p, Wire.refresh(s, first.refresh()));
    assertThat(s.counters().reuseDetected()).isEqualTo(1);
    assertDead(p, Wire.refresh(s, again.refresh()));
  }

  @ParameterizedTest
  @EnumSource(value = Profile.class, names = "PUT_BEARER", mode = EnumSource.Mode.EXCLUDE)
  void reuseWithoutDetectionIsDeadButKeepsTheFamily(Profile p) {
    AuthServer s = start(p, b -> b.reuseDetection(false));
    Wire.Tokens first = Wire.loginTokens(s);
    Wire.Tokens second = Wire.refreshTokens(s, first.refresh());

    assertDead(p, Wire.refresh(s, first.refresh()));
    assertThat(s.counters().reuseDetected()).isZero();
    assertThat(s.counters().familiesRevoked()).isZero();
    Wire.refreshTokens(s, second.refresh());
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void withoutRotationTheSameRefreshTokenWorksRepeatedly(Profile p) {
    AuthServer s = start(p, b -> b.rotation(false));
    Wire.Tokens tokens = Wire.loginTokens(s);
    for (int i = 0; i < 3; i++) {
      Wire.Tokens next = Wire.refreshTokens(s, tokens.refresh());
      assertThat(next.refresh()).isEqualTo(tokens.refresh());
      assertMe(p, me(s, next.access()));
    }
    assertThat(s.counters().refreshSucceeded()).isEqualTo(3);
    assertThat(s.counters().reuseDetected()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void foreignKeyAndUnsignedTokensAreRejected(Profile p) throws Exception {
    AuthServer s = start(p);
    JWTClaimsSet claims = new JWTClaimsSet.Builder().subject("demo").issueTime(Date.from(clock.instant()))
        .expirationTime(Date.from(clock.instant().plus(ACCESS_TTL))).jwtID("x").claim("fam", "f").build();
    byte[] foreignKey = new byte[32];
    new SecureRandom().nextBytes(foreignKey);
    SignedJWT foreign = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
    foreign.sign(new MACSigner(foreignKey));
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String unsigned = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8)) + ".";
    String real = Wire.loginTokens(s).access();
    String[] parts = real.split("\\.");
    String noneWithRealClaims = b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + parts[1] + ".";
    String hs512Header = b64.encodeToString("{\"alg\":\"HS512\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + parts[1] + "." + parts[2];

    for (String forged : new String[] {foreign.serialize(), unsigned, noneWithRealClaims, hs512Header,
        "garbage", parts[0] + "." + parts[1] + ".AAAA"}) {
      assertInvalid(p, me(s, forged));
    }
    assertThat(s.counters().rejectedRequests()).isEqualTo(6);
    assertThat(s.counters().apiSucceeded()).isZero();
    assertMe(p, me(s, real));
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void echoReturnsTheBodyByteForByte(Profile p) {
    AuthServer s = start(p);
    String access = Wire.loginTokens(s).access();
    String body = "{\"n\":12345678901234567890123,\"s\":\"h\\u00e9llo \u2603\"}";
    HttpResponse<String> r = Wire.send(Wire.withAccess(Wire.postJson(s.apiUri("/api/echo"), body), p, access));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(body);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");

    HttpResponse<String> missing = Wire.api(s, "/api/nothing-here", access);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/json");
    json(missing);
    assertThat(s.counters().apiRequests()).isEqualTo(2);
    assertThat(s.counters().apiSucceeded()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void additionalUsersCanLogIn(Profile p) {
    AuthServer s = start(p, b -> b.user("alice", "alice-pw").user("bob", "bob-pw"));
    assertThat(s.username()).isEqualTo("alice");
    assertThat(s.password()).isEqualTo("alice-pw");
    assertThat(Wire.login(s, "demo", "demo-password").statusCode()).isIn(400, 401); // replaced the default
    HttpResponse<String> login = Wire.login(s, "bob", "bob-pw");
    assertThat(login.statusCode()).isEqualTo(200);
    HttpResponse<String> me = me(s, Wire.tokens(p, Endpoint.LOGIN, json(login)).access());
    assertThat(me.body()).contains("\"username\":\"bob\"", "\"displayName\":\"Bob User\"", "9223372036854775807");
  }

  static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    collect("", node, names);
    return names;
  }

  private static void collect(String prefix, JsonNode node, Set<String> names) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      names.add(prefix + f);
      if (node.get(f).isObject()) {
        collect(prefix + f + ".", node.get(f), names);
      }
    }
  }

  static Set<String> expectedLoginShape(Profile p) {
    switch (p) {
      case OAUTH2:
        return new TreeSet<>(Set.of("access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"));
      case PUT_BEARER:
        return new TreeSet<>(Set.of("data", "data.token", "data.refreshToken", "data.refresh_token", "data.expiresIn"));
      case CODE_1002:
        return new TreeSet<>(Set.of("token", "refreshToken"));
      case CODE_50014:
        return new TreeSet<>(Set.of("code", "data", "data.token", "data.refreshToken"));
      case CODE_401:
        return new TreeSet<>(Set.of("code", "data", "data.accessToken", "data.refreshToken", "data.expiresIn"));
      default:
        throw new AssertionError(p);
    }
  }

  static Set<String> expectedRefreshShape(Profile p) {
    return p == Profile.PUT_BEARER ? new TreeSet<>(Set.of("data", "data.token")) : expectedLoginShape(p);
  }
}
