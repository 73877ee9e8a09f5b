package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The reference server's access-token check is pinned: each classic JWT attack, and each claim out of place, is refused
 * (a test each), while the server's own tokens pass. Checked on {@link AccessTokens} with a known key, and over HTTP
 * with forged tokens against a running server.
 */
class AccessTokenHardeningTest extends ServerTestBase {
  private static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  /** The server's key, made from a seeded generator as {@link AccessTokens} makes it. */
  private static byte[] key(long seed) throws Exception {
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed);
    byte[] key = new byte[32];
    r.nextBytes(key);
    return key;
  }

  private static AccessTokens tokens(long seed) throws Exception {
    SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
    r.setSeed(seed);
    return new AccessTokens(Duration.ofMinutes(5), r);
  }

  /** The claims the server's own tokens carry, for the user demo, valid at {@link #NOW}; then {@code change}. */
  private static JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
        .issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE).subject("demo")
        .issueTime(Date.from(NOW.minusSeconds(10))).notBeforeTime(Date.from(NOW.minusSeconds(10)))
        .expirationTime(Date.from(NOW.plusSeconds(290))).claim("fam", "f").claim("gen", 0L);
    return change.apply(b).build();
  }

  private static String sign(JWSAlgorithm alg, JWSSigner signer, JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).build(), claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private static AccessTokens.Status check(String token) throws Exception {
    return tokens(42).verify(token, NOW).status;
  }

  @Test
  void theServersOwnTokenWithEveryClaimInPlacePasses() throws Exception {
    assertThat(check(sign(JWSAlgorithm.HS256, new MACSigner(key(42)), claims(b -> b)))).isEqualTo(AccessTokens.Status.VALID);
    assertThat(tokens(42).verify(tokens(42).mint("demo", "f", NOW), NOW).status).isEqualTo(AccessTokens.Status.VALID);
  }

  @Test
  void algNoneIsRefused() throws Exception {
    assertThat(check(new PlainJWT(claims(b -> b)).serialize())).isEqualTo(AccessTokens.Status.INVALID);
    // the same, dressed as a signed token with an empty signature
    String unsigned = Base64.getUrlEncoder().withoutPadding()
        .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
        + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(claims(b -> b).toString().getBytes(StandardCharsets.UTF_8)) + ".";
    assertThat(check(unsigned)).isEqualTo(AccessTokens.Status.INVALID);
  }

  @Test
  void hsRsKeyConfusionIsRefused() throws Exception {
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    // an RS256 token (whoever's key), and an HS256 one using an RSA public key as the HMAC secret
    assertThat(check(sign(JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()), claims(b -> b))))
        .isEqualTo(AccessTokens.Status.INVALID);
    assertThat(check(sign(JWSAlgorithm.HS256, new MACSigner(rsa.getPublic().getEncoded()), claims(b -> b))))
        .isEqualTo(AccessTokens.Status.INVALID);
    // the server's own key, but another HMAC algorithm than the pinned one
    byte[] longKey = java.util.Arrays.copyOf(key(42), 64);
    assertThat(check(sign(JWSAlgorithm.HS512, new MACSigner(longKey), claims(b -> b)))).isEqualTo(AccessTokens.Status.INVALID);
  }

  @Test
  void aForeignKeyIsRefused() throws Exception {
    assertThat(check(sign(JWSAlgorithm.HS256, new MACSigner(key(7)), claims(b -> b)))).isEqualTo(AccessTokens.Status.INVALID);
  }

  @Test
  void aTamperedPayloadIsRefused() throws Exception {
    String good = sign(JWSAlgorithm.HS256, new MACSigner(key(42)), claims(b -> b));
    String[] parts = good.split("\\.");
    String admin = Base64.getUrlEncoder().withoutPadding().encodeToString(
        claims(b -> b.subject("admin")).toString().getBytes(StandardCharsets.UTF_8));
    assertThat(check(parts[0] + "." + admin + "." + parts[2])).isEqualTo(AccessTokens.Status.INVALID);
  }

  @Test
  void anExpiredTokenIsAnsweredAsExpired() throws Exception {
    String expired = sign(JWSAlgorithm.HS256, new MACSigner(key(42)),
        claims(b -> b.expirationTime(Date.from(NOW.minusSeconds(1)))));
    assertThat(check(expired)).isEqualTo(AccessTokens.Status.EXPIRED);
  }

  @Test
  void aTokenNotYetValidIsRefused() throws Exception {
    String early = sign(JWSAlgorithm.HS256, new MACSigner(key(42)),
        claims(b -> b.notBeforeTime(Date.from(NOW.plusSeconds(60)))));
    assertThat(check(early)).isEqualTo(AccessTokens.Status.INVALID);
  }

  @Test
  void aWrongIssuerIsRefused() throws Exception {
    assertThat(check(sign(JWSAlgorithm.HS256, new MACSigner(key(42)), claims(b -> b.issuer("https://evil.example/")))))
        .isEqualTo(AccessTokens.Status.INVALID);
    assertThat(check(sign(JWSAlgorithm.HS256, new MACSigner(key(42)), claims(b -> b.issuer(null)))))
        .isEqualTo(AccessTokens.Status.INVALID);
  }

  @Test
  void aWrongAudienceIsRefused() throws Exception {
    assertThat(check(sign(JWSAlgorithm.HS256, new MACSigner(key(42)), claims(b -> b.audience("another-api")))))
        .isEqualTo(AccessTokens.Status.INVALID);
    assertThat(check(sign(JWSAlgorithm.HS256, new MACSigner(key(42)), claims(b -> b.audience((String) null)))))
        .isEqualTo(AccessTokens.Status.INVALID);
  }

  /** Over HTTP: forged tokens get the profile's rejection and count as rejected requests; the real one passes. */
  @Test
  void forgedTokensAreRejectedByARunningServer() throws Exception {
    AuthServer s = start(Profile.OAUTH2);
    KeyPair rsa = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    String[] forged = {
        new PlainJWT(claims(b -> b.expirationTime(Date.from(Instant.now().plusSeconds(300))))).serialize(),
        sign(JWSAlgorithm.RS256, new RSASSASigner(rsa.getPrivate()), claims(b -> b)),
        sign(JWSAlgorithm.HS256, new MACSigner(key(7)), claims(b -> b)),
        "not.a.jwt", ""};
    for (String token : forged) {
      HttpResponse<String> r = Wire.me(s, token);
      assertThat(r.statusCode()).as("forged token %s", token.isEmpty() ? "(empty)" : token.substring(0, Math.min(12, token.length())))
          .isEqualTo(401);
      assertThat(r.body()).doesNotContain(token.isEmpty() ? "\u0000" : token);
    }
    assertThat(s.counters().rejectedRequests()).isEqualTo(forged.length);
    assertThat(Wire.me(s, s.issueTokens("demo").accessToken()).statusCode()).isEqualTo(200);
  }
}
