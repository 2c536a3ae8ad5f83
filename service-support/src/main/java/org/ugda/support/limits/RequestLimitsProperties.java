package org.ugda.support.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one HTTP request may carry, in every service.
 *
 * @param maxRequestSize the largest request body a service reads (default 16 MB); a larger one is
 *     refused with 413 before it is parsed. Multipart uploads are also bounded by {@code
 *     spring.servlet.multipart.max-file-size}; the smaller limit wins.
 */
@ConfigurationProperties("ugda.http")
public record RequestLimitsProperties(@DefaultValue("16MB") DataSize maxRequestSize) {
  public RequestLimitsProperties {
    if (maxRequestSize.toBytes() < 1024) {
      throw new IllegalArgumentException(
          "ugda.http.max-request-size must be at least 1KB, was " + maxRequestSize);
    }
  }
}
