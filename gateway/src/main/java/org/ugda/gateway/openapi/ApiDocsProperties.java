package org.ugda.gateway.openapi;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway gathers the services' OpenAPI documents ({@code ugda.openapi.*}).
 *
 * @param timeout how long one service may take to answer its {@code /v3/api-docs} (connect and read
 *     together); a slower service is listed as unavailable. 5 s by default: springdoc builds a
 *     service's document on its first request, which took more than 2 s on a loaded 2-core machine
 * @param cacheTtl how long a service's document is reused before it is fetched again. 30 s by
 *     default; zero fetches on every request
 * @param failureTtl how long a service that could not be had stays listed as unavailable before it
 *     is asked again; 5 s by default, at most {@code cacheTtl}
 */
@ConfigurationProperties("ugda.openapi")
public record ApiDocsProperties(Duration timeout, Duration cacheTtl, Duration failureTtl) {

  public ApiDocsProperties {
    timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
    cacheTtl = cacheTtl == null ? Duration.ofSeconds(30) : cacheTtl;
    failureTtl = failureTtl == null ? Duration.ofSeconds(5) : failureTtl;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("ugda.openapi.timeout must be positive, got " + timeout);
    }
    if (cacheTtl.isNegative()) {
      throw new IllegalArgumentException(
          "ugda.openapi.cache-ttl must be zero or positive, got " + cacheTtl);
    }
    if (failureTtl.isNegative()) {
      throw new IllegalArgumentException(
          "ugda.openapi.failure-ttl must be zero or positive, got " + failureTtl);
    }
    if (failureTtl.compareTo(cacheTtl) > 0) {
      failureTtl = cacheTtl;
    }
  }
}
