package org.ugda.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The gateway's keys and limits, {@code ugda.gateway.*}; each value is checked at start.
 *
 * @param adminKey the token of the first admin key (env {@code UGDA_ADMIN_KEY}); when set, the key
 *     named {@code admin} gets its hash at every start (inserted, or updated and un-revoked). When
 *     empty and no admin key exists, one is generated and printed once. At least 32 characters, no
 *     whitespace. Never printed: {@link #toString()} hides it.
 * @param rateLimit requests per minute per key unless the key has its own
 * @param publicPrometheus whether {@code /actuator/prometheus} answers without a key (default
 *     false: it needs a reader key; set true where the scraper sits on a private network and cannot
 *     send a header)
 */
@ConfigurationProperties("ugda.gateway")
public record GatewaySecurityProperties(
    String adminKey,
    @DefaultValue RateLimit rateLimit,
    @DefaultValue("false") boolean publicPrometheus) {

  /**
   * @param perMinute requests one key may send per minute (a fixed window), default 600
   */
  public record RateLimit(@DefaultValue("600") int perMinute) {
    public RateLimit {
      if (perMinute < 1) {
        throw new IllegalArgumentException(
            "ugda.gateway.rate-limit.per-minute must be at least 1, was " + perMinute);
      }
    }
  }

  public GatewaySecurityProperties {
    adminKey = adminKey == null || adminKey.isBlank() ? null : adminKey;
    if (adminKey != null
        && (adminKey.length() < 32 || !adminKey.chars().noneMatch(Character::isWhitespace))) {
      // the value itself is never part of the message
      throw new IllegalArgumentException(
          "ugda.gateway.admin-key (UGDA_ADMIN_KEY) must be at least 32 characters without"
              + " whitespace; generate one, e.g. with: openssl rand -base64 32");
    }
    if (rateLimit == null) {
      rateLimit = new RateLimit(600);
    }
  }

  /** Never shows the admin key. */
  @Override
  public String toString() {
    return "GatewaySecurityProperties[adminKey="
        + (adminKey == null ? "unset" : "(hidden)")
        + ", rateLimit="
        + rateLimit.perMinute()
        + "/min, publicPrometheus="
        + publicPrometheus
        + "]";
  }
}
