package org.ugda.support.problem;

import java.time.Duration;
import java.util.Objects;

/**
 * The service cannot answer now, through no fault of the request (a service it depends on is down,
 * it is shutting down). Answered as 503 with {@code Retry-After}.
 */
public class UnavailableException extends RuntimeException {
  private final Duration retryAfter;

  public UnavailableException(String message) {
    this(message, Duration.ofSeconds(5));
  }

  public UnavailableException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
  }

  /** How long a client should wait before trying again. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
