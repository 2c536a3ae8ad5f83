package org.ugda.gateway.security;

import java.time.Instant;
import java.util.UUID;

/**
 * One API key as {@code GET /api/keys} shows it: never its token or hash, only the first 8
 * characters of the token to tell keys apart.
 *
 * @param id the key's id
 * @param name unique; a labeller's labels are recorded under it
 * @param role {@code reader}, {@code labeller}, {@code operator} or {@code admin}
 * @param prefix the token's first 8 characters
 * @param createdAt when it was created
 * @param rotatedAt when its token was last replaced, or null
 * @param revokedAt when it was revoked, or null while it works
 * @param ratePerMinute its own limit, or null for {@code ugda.gateway.rate-limit.per-minute}
 */
public record ApiKey(
    UUID id,
    String name,
    String role,
    String prefix,
    Instant createdAt,
    Instant rotatedAt,
    Instant revokedAt,
    Integer ratePerMinute) {

  Role roleValue() {
    return Role.of(role);
  }

  boolean revoked() {
    return revokedAt != null;
  }
}
