package org.ugda.support.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * What one HTTP request may carry, and what of its headers a service believes, in every service.
 *
 * @param maxRequestSize the largest request body a service reads (default 16 MB); a larger one is
 *     refused with 413 before it is parsed. Multipart uploads are also bounded by {@code
 *     spring.servlet.multipart.max-file-size}; the smaller limit wins.
 * @param forwardedHeaders what to do with {@code X-Forwarded-*} and {@code Forwarded} headers:
 *     {@code apply} (a service behind the gateway, the default) or {@code remove} (the gateway,
 *     which never trusts a client's own)
 */
@ConfigurationProperties("ugda.http")
public record HttpProperties(
    @DefaultValue("16MB") DataSize maxRequestSize,
    @DefaultValue("apply") Forwarded forwardedHeaders) {

  /** How a service treats forwarded headers. */
  public enum Forwarded {
    APPLY,
    REMOVE
  }

  public HttpProperties {
    if (maxRequestSize.toBytes() < 1024) {
      throw new IllegalArgumentException(
          "ugda.http.max-request-size must be at least 1KB, was " + maxRequestSize);
    }
  }
}
