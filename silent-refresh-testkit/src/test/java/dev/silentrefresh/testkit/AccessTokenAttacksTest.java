package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The API's access-token check under attack, one test per attack, for every profile: each forged token is refused
 * (the profile's "invalid" reply, or "expired" where that is the truth), counted as a rejected request, and never
 * reaches the API; the genuine token it was made from still works, so each test can fail.
 */
class AccessTokenAttacksTest extends ServerTestBase {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  @ParameterizedTest
  @EnumSource(Profile.class)
  void algNoneIsRefused(Profile p) throws Exception {
    AuthServer s = start(p);
    String real = genuine(s);
    String payload = real.split("\\.")[1];
    for (String alg : new String[] {"none", "None", "NONE", "nOnE"}) {
      String unsigned = B64.encodeToString(("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").getBytes(StandardCharsets.UTF_8))
          + "." + payload + ".";
      Wire.assertInvalid(p, Wire.me(s, unsigned));
      Wire.assertInvalid(p, Wire.me(s, unsigned + real.split("\\.")[2])); // with the real signature kept
    }
    assertRefused(s, 8, real);
  }

  /** HS256 whose HMAC secret is the server's public RSA key, as a verifier taking the key from the header would use. */
  @ParameterizedTest
  @EnumSource(Profile.class)
  void hmacWithThePublicKeyAsSecretIsRefused(Profile p) throws Exception {
    AuthServer s = start(p);
    String real = genuine(s);
    RSAPublicKey publicKey = s.accessTokens().publicKey();
    String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(publicKey.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
    JWSHeader hs256 = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(SignedJWT.parse(real).getHeader().getKeyID())
        .build();
    for (byte[] secret : new byte[][] {publicKey.getEncoded(), pem.getBytes(StandardCharsets.US_ASCII),
        new RSAKey.Builder(publicKey).build().toJSONString().getBytes(StandardCharsets.UTF_8)}) {
      SignedJWT confused = new SignedJWT(hs256, SignedJWT.parse(real).getJWTClaimsSet());
      confused.sign(new MACSigner(secret));
      Wire.assertInvalid(p, Wire.me(s, confused.serialize()));
    }
    assertRefused(s, 3, real);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aForeignRsaKeyIsRefusedAlsoWhenTheHeaderCarriesIt(Profile p) throws Exception {
    AuthServer s = start(p);
    String real = genuine(s);
    SignedJWT parsed = SignedJWT.parse(real);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair foreign = g.generateKeyPair();
    JWSHeader sameKid = new JWSHeader.Builder(parsed.getHeader()).build();
    JWSHeader embedded = new JWSHeader.Builder(parsed.getHeader())
        .jwk(new RSAKey.Builder((RSAPublicKey) foreign.getPublic()).build()).build();
    for (JWSHeader header : new JWSHeader[] {sameKid, embedded}) {
      SignedJWT forged = new SignedJWT(header, parsed.getJWTClaimsSet());
      forged.sign(new RSASSASigner(foreign.getPrivate()));
      Wire.assertInvalid(p, Wire.me(s, forged.serialize()));
    }
    assertRefused(s, 2, real);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aTamperedPayloadWithTheSignatureKeptIsRefused(Profile p) throws Exception {
    AuthServer s = start(p, b -> b.user("demo", "demo-password").user("admin", "admin-password"));
    String real = genuine(s);
    String[] parts = real.split("\\.");
    JWTClaimsSet claims = SignedJWT.parse(real).getJWTClaimsSet();
    for (JWTClaimsSet changed : new JWTClaimsSet[] {
        new JWTClaimsSet.Builder(claims).subject("admin").build(),
        new JWTClaimsSet.Builder(claims).expirationTime(Date.from(clock.instant().plus(Duration.ofDays(365)))).build()}) {
      String tampered = parts[0] + "." + B64.encodeToString(changed.toString().getBytes(StandardCharsets.UTF_8))
          + "." + parts[2];
      Wire.assertInvalid(p, Wire.me(s, tampered));
    }
    String flipped = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? 'B' : 'A') + parts[2].substring(1);
    Wire.assertInvalid(p, Wire.me(s, flipped));
    assertRefused(s, 3, real);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void anExpiredTokenIsExpired(Profile p) throws Exception {
    AuthServer s = start(p);
    String real = genuine(s);
    String expired = resigned(s, real, c -> c.expirationTime(Date.from(clock.instant().minusSeconds(1))));
    Wire.assertExpired(p, Wire.me(s, expired));
    String expiresNow = resigned(s, real, c -> c.expirationTime(Date.from(clock.instant())));
    Wire.assertExpired(p, Wire.me(s, expiresNow)); // exp is exclusive, with no leeway
    assertRefused(s, 2, real);
    clock.advance(ACCESS_TTL);
    Wire.assertExpired(p, Wire.me(s, real));
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aTokenNotYetValidIsRefused(Profile p) throws Exception {
    AuthServer s = start(p);
    String real = genuine(s);
    String early = resigned(s, real, c -> c.notBeforeTime(Date.from(clock.instant().plusSeconds(1))));
    Wire.assertInvalid(p, Wire.me(s, early));
    String noNbf = resigned(s, real, c -> c.notBeforeTime(null));
    Wire.assertInvalid(p, Wire.me(s, noNbf));
    assertRefused(s, 2, real);
    clock.advance(Duration.ofSeconds(1));
    Wire.assertMe(p, Wire.me(s, early)); // valid from its nbf on
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aWrongIssuerIsRefused(Profile p) throws Exception {
    AuthServer s = start(p);
    String real = genuine(s);
    for (String issuer : new String[] {"https://evil.example", "silent-refresh-testkit ", "", null}) {
      Wire.assertInvalid(p, Wire.me(s, resigned(s, real, c -> c.issuer(issuer))));
    }
    assertRefused(s, 4, real);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aWrongAudienceIsRefused(Profile p) throws Exception {
    AuthServer s = start(p);
    String real = genuine(s);
    Wire.assertInvalid(p, Wire.me(s, resigned(s, real, c -> c.audience("another-api"))));
    Wire.assertInvalid(p, Wire.me(s, resigned(s, real, c -> c.audience((String) null))));
    Wire.assertInvalid(p, Wire.me(s, resigned(s, real,
        c -> c.audience(List.of("silent-refresh-api", "another-api")))));
    assertRefused(s, 3, real);
  }

  /** Same key, same claims, another server (its own kid), also one started later on the same port. */
  @ParameterizedTest
  @EnumSource(Profile.class)
  void anotherServersTokenIsRefused(Profile p) throws Exception {
    AuthServer first = AuthServer.builder(p).clock(clock).start();
    String theirs = first.issueTokens("demo").accessToken();
    int port = first.baseUri().getPort();
    first.close();
    AuthServer s = start(p, b -> b.port(port));
    Wire.assertInvalid(p, Wire.me(s, theirs));
    JWSHeader otherKid = new JWSHeader.Builder(s.accessTokens().header()).keyID("another-key").build();
    Wire.assertInvalid(p, Wire.me(s, s.accessTokens().sign(otherKid, SignedJWT.parse(genuine(s)).getJWTClaimsSet())));
    assertRefused(s, 2, genuine(s));
  }

  private String genuine(AuthServer s) {
    return s.issueTokens("demo").accessToken();
  }

  /** {@code real}'s claims changed by {@code change}, signed properly with the server's own key and header. */
  private static String resigned(AuthServer s, String real, UnaryOperator<JWTClaimsSet.Builder> change)
      throws Exception {
    JWTClaimsSet claims = change.apply(new JWTClaimsSet.Builder(SignedJWT.parse(real).getJWTClaimsSet())).build();
    return s.accessTokens().sign(s.accessTokens().header(), claims);
  }

  /** {@code refused} requests were rejected and none reached the API; {@code real} is still accepted. */
  private static void assertRefused(AuthServer s, int refused, String real) {
    assertThat(s.counters().rejectedRequests()).isEqualTo(refused);
    assertThat(s.counters().apiSucceeded()).isZero();
    HttpResponse<String> r = Wire.me(s, real);
    Wire.assertMe(s.profile(), r);
  }
}
