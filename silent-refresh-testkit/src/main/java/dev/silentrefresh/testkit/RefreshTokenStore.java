package dev.silentrefresh.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import dev.silentrefresh.leakcheck.IssuedSecrets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refresh tokens: 32 random bytes, base64url, stored only as their SHA-256 hash. A family is one login; all
 * decisions about a family's tokens are taken under the family's lock, and the time of a decision is read from
 * the clock under that lock too, so decisions on one family are totally ordered in time: rotation is atomic
 * and "within the grace window" is measured exactly (with no grace, of any number of concurrent refreshes
 * with one token exactly one rotates it; every other one is reuse).
 */
final class RefreshTokenStore {

  /** How a refresh attempt ended. */
  enum Outcome { ROTATED, KEPT, GRACE, DEAD_UNKNOWN, DEAD_REVOKED, DEAD_EXPIRED, DEAD_REUSED, DEAD_ROTATED }

  /** The result of a refresh attempt; token fields are set only when {@link #ok()}. */
  static final class Result {
    final Outcome outcome;
    final String username;
    final String family;
    final String refreshToken;
    final Duration refreshExpiresIn;
    /** The time the decision was taken at (read under the family's lock); null for an unknown token. */
    final Instant decidedAt;

    private Result(Outcome outcome, String username, String family, String refreshToken, Duration refreshExpiresIn,
        Instant decidedAt) {
      this.outcome = outcome;
      this.username = username;
      this.family = family;
      this.refreshToken = refreshToken;
      this.refreshExpiresIn = refreshExpiresIn;
      this.decidedAt = decidedAt;
    }

    static Result dead(Outcome outcome, Instant decidedAt) {
      return new Result(outcome, null, null, null, null, decidedAt);
    }

    boolean ok() {
      return outcome == Outcome.ROTATED || outcome == Outcome.KEPT || outcome == Outcome.GRACE;
    }
  }

  /** A newly issued refresh token. */
  static final class NewToken {
    final String family;
    final String token;
    final Instant issuedAt;
    final Duration lifetime;

    NewToken(String family, String token, Instant issuedAt, Duration lifetime) {
      this.family = family;
      this.token = token;
      this.issuedAt = issuedAt;
      this.lifetime = lifetime;
    }
  }

  private static final class Family {
    final String id;
    final String username;
    /** When the whole login ends, whatever rotation does (null: never). */
    final Instant endsAt;
    boolean revoked; // guarded by this

    Family(String id, String username, Instant endsAt) {
      this.id = id;
      this.username = username;
      this.endsAt = endsAt;
    }
  }

  private static final class Entry {
    final Family family;
    final Instant expiresAt;
    Instant rotatedAt; // guarded by family

    Entry(Family family, Instant expiresAt) {
      this.family = family;
      this.expiresAt = expiresAt;
    }
  }

  /** Every this many issued tokens, entries past their expiry are dropped (they could only answer "dead"). */
  private static final long SWEEP_EVERY = 10_000;

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final AtomicLong issued = new AtomicLong();
  private final Map<String, Family> families = new ConcurrentHashMap<>();
  private final SecureRandom random;
  private final Clock clock;
  private final Duration ttl;
  private final boolean rotation;
  private final boolean reuseDetection;
  private final Duration grace;
  private final Duration sessionMax;
  private final Counters counters;
  /** What precedes a refresh token in the refresh URL of this server's dialect, or null: told to the leak check. */
  private final String urlPart;

  RefreshTokenStore(SecureRandom random, Clock clock, Duration ttl, boolean rotation, boolean reuseDetection,
      Duration grace, Duration sessionMax, Counters counters, String urlPart) {
    this.urlPart = urlPart;
    this.random = random;
    this.clock = clock;
    this.ttl = ttl;
    this.sessionMax = sessionMax;
    this.rotation = rotation;
    this.reuseDetection = reuseDetection;
    this.grace = grace;
    this.counters = counters;
  }

  Duration ttl() {
    return ttl;
  }

  /** Starts a new family (one login) and issues its first refresh token, at the clock's time under its lock. */
  NewToken login(String username) {
    byte[] id = new byte[12];
    random.nextBytes(id);
    // nobody can reach the family before it is in the map, so its start need not be read under its lock
    Instant now = clock.instant();
    Family family = new Family(Base64.getUrlEncoder().withoutPadding().encodeToString(id), username,
        sessionMax == null ? null : now.plus(sessionMax));
    synchronized (family) {
      families.put(family.id, family);
      return new NewToken(family.id, issue(family, now), now, lifetime(family, now));
    }
  }

  /**
   * Exchanges a refresh token, following the check order unknown, revoked, expired, already rotated. The
   * decision's time is read under the family's lock (see the class comment).
   */
  Result refresh(String token) {
    Entry entry = token == null || token.isEmpty() ? null : entries.get(hash(token));
    if (entry == null) {
      return Result.dead(Outcome.DEAD_UNKNOWN, null);
    }
    Family family = entry.family;
    synchronized (family) {
      Instant now = clock.instant();
      if (family.revoked) {
        return Result.dead(Outcome.DEAD_REVOKED, now);
      }
      if (!now.isBefore(entry.expiresAt)) {
        return Result.dead(Outcome.DEAD_EXPIRED, now);
      }
      if (entry.rotatedAt != null) {
        if (now.isBefore(entry.rotatedAt.plus(grace))) {
          return new Result(Outcome.GRACE, family.username, family.id, issue(family, now), lifetime(family, now), now);
        }
        if (reuseDetection) {
          family.revoked = true;
          counters.incReuseDetected();
          counters.incFamiliesRevoked();
          return Result.dead(Outcome.DEAD_REUSED, now);
        }
        return Result.dead(Outcome.DEAD_ROTATED, now);
      }
      if (rotation) {
        entry.rotatedAt = now;
        return new Result(Outcome.ROTATED, family.username, family.id, issue(family, now), lifetime(family, now), now);
      }
      return new Result(Outcome.KEPT, family.username, family.id, token, Duration.between(now, entry.expiresAt), now);
    }
  }

  /** Revokes every family: each refresh token known so far is dead from now on. */
  void revokeAll() {
    for (Family f : families.values()) {
      synchronized (f) {
        f.revoked = true;
      }
    }
  }

  private Duration lifetime(Family family, Instant now) {
    if (family.endsAt == null) return ttl;
    Duration left = Duration.between(now, family.endsAt);
    return left.compareTo(ttl) < 0 ? (left.isNegative() ? Duration.ZERO : left) : ttl;
  }

  // caller holds the family's lock
  private String issue(Family family, Instant now) {
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    if (urlPart == null) IssuedSecrets.record(token);
    else IssuedSecrets.recordInUrl(token, urlPart);
    entries.put(hash(token), new Entry(family, now.plus(lifetime(family, now))));
    if (issued.incrementAndGet() % SWEEP_EVERY == 0) {
      // an expired entry and an unknown token get the same dead reply, and neither counts as reuse
      entries.values().removeIf(e -> !now.isBefore(e.expiresAt));
    }
    return token;
  }

  private static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }
}
