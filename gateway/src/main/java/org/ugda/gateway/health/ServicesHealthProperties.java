package org.ugda.gateway.health;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The services' part of the gateway's health ({@code ugda.health.*}).
 *
 * @param timeout how long one service may take to answer its readiness probe (connect and read
 *     together) before it counts as DOWN; 2 s by default
 */
@ConfigurationProperties("ugda.health")
public record ServicesHealthProperties(Duration timeout) {

  public ServicesHealthProperties {
    timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("ugda.health.timeout must be positive, got " + timeout);
    }
  }
}
