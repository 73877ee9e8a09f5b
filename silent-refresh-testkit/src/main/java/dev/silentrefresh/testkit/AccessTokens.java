package dev.silentrefresh.testkit;

import dev.silentrefresh.leakcheck.IssuedSecrets;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.math.BigDecimal;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mints and verifies the RS256 JWT access tokens. The algorithm is pinned: a token is accepted only when its header
 * says {@code RS256} and this server's key id ({@code kid}, random per server), its signature verifies with this
 * server's public key, its issuer is {@link #ISSUER}, its audience {@link #AUDIENCE}, and it is inside
 * {@code nbf}..{@code exp} on the server's clock, with no leeway. So {@code alg: none}, an HS256 token whose HMAC key
 * is the public key (key confusion), another key, a changed payload, a wrong issuer or audience and a token of
 * another server are rejected.
 *
 * <p>The RSA-2048 key pair is made once per JVM (it takes about a tenth of a second, too long for every one of the
 * thousands of servers a test run starts); the per-server {@code kid} keeps one server's tokens off another,
 * also a later server on the same port.
 */
final class AccessTokens {
  /** The {@code iss} of every access token. */
  static final String ISSUER = "silent-refresh-testkit";
  /** The {@code aud} of every access token: the protected API. */
  static final String AUDIENCE = "silent-refresh-api";

  /** Outcome of checking an access token. */
  enum Status { VALID, EXPIRED, INVALID, MISSING }

  /** A checked access token; {@code username} is set only when {@link Status#VALID}. */
  static final class Check {
    static final Check MISSING = new Check(Status.MISSING, null);
    static final Check EXPIRED = new Check(Status.EXPIRED, null);
    static final Check INVALID = new Check(Status.INVALID, null);

    final Status status;
    final String username;

    private Check(Status status, String username) {
      this.status = status;
      this.username = username;
    }

    static Check valid(String username) {
      return new Check(Status.VALID, username);
    }
  }

  /** Made on first use, once per JVM. */
  private static final class Keys {
    static final KeyPair RSA = generate();

    private static KeyPair generate() {
      try {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("RSA missing", e);
      }
    }
  }

  private final String keyId;
  private final RSASSASigner signer;
  private final RSASSAVerifier verifier;
  private final long ttlSeconds;
  /** The exact lifetime, when tokens carry it to the millisecond ({@link AuthServer.Builder#exactExpiry}). */
  private final Duration exactTtl;
  /** Tokens minted in an earlier generation count as expired (see {@link #expireAll()}). */
  private final AtomicLong generation = new AtomicLong();

  AccessTokens(Duration ttl, SecureRandom random) {
    this(ttl, false, random);
  }

  /**
   * @param exactExpiry true: {@code iat} and {@code exp} to the millisecond (a NumericDate may have a fraction, RFC 7519
   *     §2), so a token lives exactly {@code ttl} from its minting; false: whole seconds, {@code iat} the minting's second
   */
  AccessTokens(Duration ttl, boolean exactExpiry, SecureRandom random) {
    this.exactTtl = exactExpiry ? ttl.truncatedTo(ChronoUnit.MILLIS) : null;
    byte[] kid = new byte[9];
    random.nextBytes(kid);
    this.keyId = Base64.getUrlEncoder().withoutPadding().encodeToString(kid);
    this.signer = new RSASSASigner(Keys.RSA.getPrivate());
    this.verifier = new RSASSAVerifier((RSAPublicKey) Keys.RSA.getPublic());
    // exp has one-second resolution; a sub-second lifetime still lasts one second
    long seconds = ttl.getSeconds() + (ttl.getNano() > 0 ? 1 : 0);
    this.ttlSeconds = Math.max(1, seconds);
  }

  long ttlSeconds() {
    return ttlSeconds;
  }

  /**
   * The whole seconds left at {@code now} for a token minted at {@code now}: {@code exp} counts from
   * the start of the current second, so a token minted mid-second lives less than {@code ttlSeconds}.
   * Reported as {@code expires_in}, it never promises a client more than the token really has.
   */
  long expiresInSeconds(Instant now) {
    if (exactTtl != null) return exactTtl.getSeconds(); // the whole seconds of a lifetime that counts from now
    return now.getNano() == 0 ? ttlSeconds : ttlSeconds - 1;
  }

  /** From now on every access token minted so far is answered as expired; new ones are fine. */
  void expireAll() {
    generation.incrementAndGet();
  }

  /** A token issued at {@code now}, valid for the configured lifetime. */
  String mint(String username, String family, Instant now) {
    if (exactTtl != null) {
      Instant issued = now.truncatedTo(ChronoUnit.MILLIS);
      return sign(username, family, now.getEpochSecond(), numericDate(issued), numericDate(issued.plus(exactTtl)));
    }
    long iat = now.getEpochSecond();
    return sign(username, family, iat, iat + ttlSeconds);
  }

  /** Whole seconds as a whole number, else seconds with their milliseconds ({@code 1700000002.125}). */
  private static Number numericDate(Instant t) {
    long millis = t.toEpochMilli();
    return millis % 1000 == 0 ? (Number) (millis / 1000) : BigDecimal.valueOf(millis, 3);
  }

  /** A token whose {@code exp} is already one second in the past at {@code now}. */
  String mintExpired(String username, String family, Instant now) {
    long exp = now.getEpochSecond() - 1;
    return sign(username, family, exp - ttlSeconds, exp);
  }

  private String sign(String username, String family, long iat, long exp) {
    return sign(username, family, iat, iat, exp);
  }

  /** {@code nbf} is {@code notBefore} (whole seconds); {@code iat} and {@code exp} as given (NumericDates). */
  private String sign(String username, String family, long notBefore, Number iat, Number exp) {
    Date issued = Date.from(Instant.ofEpochSecond(notBefore));
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(username)
        .claim("iat", iat)
        .notBeforeTime(issued)
        .claim("exp", exp)
        .jwtID(UUID.randomUUID().toString())
        .claim("fam", family)
        .claim("gen", generation.get())
        .build();
    return sign(header(), claims);
  }

  /** {@code exp} with its fraction of a second, which the parsed claims set drops. */
  private static Instant expiry(SignedJWT jwt, Date whole) {
    Object raw = jwt.getPayload().toJSONObject().get("exp");
    if (raw instanceof Double || raw instanceof Float || raw instanceof BigDecimal) {
      return Instant.ofEpochMilli(Math.round(((Number) raw).doubleValue() * 1000)); // exactExpiry's milliseconds
    }
    return whole.toInstant();
  }

  /** This server's header: {@code RS256}, its {@code kid}, type JWT. */
  JWSHeader header() {
    return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).type(JOSEObjectType.JWT).build();
  }

  /** Signs {@code claims} under {@code header} with this server's private key (tests forge tokens with it). */
  String sign(JWSHeader header, JWTClaimsSet claims) {
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    String token = jwt.serialize();
    IssuedSecrets.record(token);
    return token;
  }

  /** The public key tokens are verified with (public knowledge, as a JWKS would publish it). */
  RSAPublicKey publicKey() {
    return (RSAPublicKey) Keys.RSA.getPublic();
  }

  /**
   * Checks, in order: the header ({@code RS256} and this server's {@code kid}, nothing else), the signature, the
   * issuer and audience, {@code nbf}, then {@code exp} and the generation against {@code now}. Only the last makes
   * a token {@link Status#EXPIRED}; any other failure is {@link Status#INVALID}.
   */
  Check verify(String token, Instant now) {
    if (token == null) {
      return Check.MISSING;
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      JWSHeader header = jwt.getHeader();
      if (!JWSAlgorithm.RS256.equals(header.getAlgorithm()) || !keyId.equals(header.getKeyID())
          || !jwt.verify(verifier)) {
        return Check.INVALID;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      Date nbf = claims.getNotBeforeTime();
      String sub = claims.getSubject();
      Object gen = claims.getClaim("gen");
      if (!ISSUER.equals(claims.getIssuer()) || !List.of(AUDIENCE).equals(claims.getAudience())
          || exp == null || nbf == null || sub == null || !(gen instanceof Number)
          || now.isBefore(nbf.toInstant())) {
        return Check.INVALID;
      }
      boolean current = ((Number) gen).longValue() == generation.get();
      return current && now.isBefore(expiry(jwt, exp)) ? Check.valid(sub) : Check.EXPIRED;
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Check.INVALID; // never echo the exception: its message may quote the token
    }
  }
}
