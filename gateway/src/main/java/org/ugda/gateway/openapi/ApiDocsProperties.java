package org.ugda.gateway.openapi;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway gathers the services' OpenAPI documents ({@code ugda.openapi.*}).
 *
 * @param timeout how long one service may take to answer its {@code /v3/api-docs} (connect and read
 *     together); a slower service is listed as unavailable. 2 s by default
 * @param cacheTtl how long a service's document (or its failure) is reused before it is fetched
 *     again. 30 s by default; zero fetches on every request
 */
@ConfigurationProperties("ugda.openapi")
public record ApiDocsProperties(Duration timeout, Duration cacheTtl) {

  public ApiDocsProperties {
    timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
    cacheTtl = cacheTtl == null ? Duration.ofSeconds(30) : cacheTtl;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("ugda.openapi.timeout must be positive, got " + timeout);
    }
    if (cacheTtl.isNegative()) {
      throw new IllegalArgumentException(
          "ugda.openapi.cache-ttl must be zero or positive, got " + cacheTtl);
    }
  }
}
