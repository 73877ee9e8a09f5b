package dev.silentrefresh.testkit;

import dev.silentrefresh.leakcheck.IssuedSecrets;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Mints and verifies the HS256 JWT access tokens, with a random 256-bit key per server instance. */
final class AccessTokens {

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

  private final MACSigner signer;
  private final MACVerifier verifier;
  private final long ttlSeconds;
  /** Tokens minted in an earlier generation count as expired (see {@link #expireAll()}). */
  private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();

  AccessTokens(Duration ttl, SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot set up the HS256 key", e);
    }
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
    return now.getNano() == 0 ? ttlSeconds : ttlSeconds - 1;
  }

  /** From now on every access token minted so far is answered as expired; new ones are fine. */
  void expireAll() {
    generation.incrementAndGet();
  }

  /** A token issued at {@code now}, valid for the configured lifetime. */
  String mint(String username, String family, Instant now) {
    long iat = now.getEpochSecond();
    return sign(username, family, iat, iat + ttlSeconds);
  }

  /** A token whose {@code exp} is already one second in the past at {@code now}. */
  String mintExpired(String username, String family, Instant now) {
    long exp = now.getEpochSecond() - 1;
    return sign(username, family, exp - ttlSeconds, exp);
  }

  private String sign(String username, String family, long iat, long exp) {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .subject(username)
        .issueTime(Date.from(Instant.ofEpochSecond(iat)))
        .expirationTime(Date.from(Instant.ofEpochSecond(exp)))
        .jwtID(UUID.randomUUID().toString())
        .claim("fam", family)
        .claim("gen", generation.get())
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot sign an access token", e);
    }
    String token = jwt.serialize();
    IssuedSecrets.record(token);
    return token;
  }

  /** Checks signature (HS256 with this server's key only), then expiry against {@code now}. */
  Check verify(String token, Instant now) {
    if (token == null) {
      return Check.MISSING;
    }
    try {
      SignedJWT jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
        return Check.INVALID;
      }
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      Date exp = claims.getExpirationTime();
      String sub = claims.getSubject();
      Object gen = claims.getClaim("gen");
      if (exp == null || sub == null || !(gen instanceof Number)) {
        return Check.INVALID;
      }
      boolean current = ((Number) gen).longValue() == generation.get();
      return current && now.isBefore(exp.toInstant()) ? Check.valid(sub) : Check.EXPIRED;
    } catch (ParseException | JOSEException | RuntimeException e) {
      return Check.INVALID; // never echo the exception: its message may quote the token
    }
  }
}
