package dev.silentrefresh.testkit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Refresh tokens: 32 random bytes, base64url, stored only as their SHA-256 hash. A family is one login; all
 * decisions about a family's tokens are taken under the family's lock, so rotation is atomic.
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

    private Result(Outcome outcome, String username, String family, String refreshToken, Duration refreshExpiresIn) {
      this.outcome = outcome;
      this.username = username;
      this.family = family;
      this.refreshToken = refreshToken;
      this.refreshExpiresIn = refreshExpiresIn;
    }

    static Result dead(Outcome outcome) {
      return new Result(outcome, null, null, null, null);
    }

    boolean ok() {
      return outcome == Outcome.ROTATED || outcome == Outcome.KEPT || outcome == Outcome.GRACE;
    }
  }

  /** A newly issued refresh token. */
  static final class NewToken {
    final String family;
    final String token;

    NewToken(String family, String token) {
      this.family = family;
      this.token = token;
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
  private final Duration ttl;
  private final boolean rotation;
  private final boolean reuseDetection;
  private final Duration grace;
  private final Duration sessionMax;
  private final Counters counters;

  RefreshTokenStore(SecureRandom random, Duration ttl, boolean rotation, boolean reuseDetection, Duration grace,
      Duration sessionMax, Counters counters) {
    this.random = random;
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

  /** Starts a new family (one login) and issues its first refresh token. */
  NewToken login(String username, Instant now) {
    byte[] id = new byte[12];
    random.nextBytes(id);
    Family family = new Family(Base64.getUrlEncoder().withoutPadding().encodeToString(id), username,
        sessionMax == null ? null : now.plus(sessionMax));
    families.put(family.id, family);
    synchronized (family) {
      return new NewToken(family.id, issue(family, now));
    }
  }

  /** Exchanges a refresh token, following the check order unknown, revoked, expired, already rotated. */
  Result refresh(String token, Instant now) {
    Entry entry = token == null || token.isEmpty() ? null : entries.get(hash(token));
    if (entry == null) {
      return Result.dead(Outcome.DEAD_UNKNOWN);
    }
    Family family = entry.family;
    synchronized (family) {
      if (family.revoked) {
        return Result.dead(Outcome.DEAD_REVOKED);
      }
      if (!now.isBefore(entry.expiresAt)) {
        return Result.dead(Outcome.DEAD_EXPIRED);
      }
      if (entry.rotatedAt != null) {
        if (now.isBefore(entry.rotatedAt.plus(grace))) {
          return new Result(Outcome.GRACE, family.username, family.id, issue(family, now), lifetime(family, now));
        }
        if (reuseDetection) {
          family.revoked = true;
          counters.incReuseDetected();
          counters.incFamiliesRevoked();
          return Result.dead(Outcome.DEAD_REUSED);
        }
        return Result.dead(Outcome.DEAD_ROTATED);
      }
      if (rotation) {
        entry.rotatedAt = now;
        return new Result(Outcome.ROTATED, family.username, family.id, issue(family, now), lifetime(family, now));
      }
      return new Result(Outcome.KEPT, family.username, family.id, token, Duration.between(now, entry.expiresAt));
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

  /** A new token's lifetime: the refresh TTL, cut short by the end of the login when there is one. */
  Duration lifetime(String familyId, Instant now) {
    return lifetime(families.get(familyId), now);
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
