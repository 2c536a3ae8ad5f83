package org.ugda.relabel.judge;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before the next attempt: exponential backoff with jitter, and never less than
 * what the server asked for with {@code Retry-After} (seconds or an HTTP date) or OpenAI's {@code
 * retry-after-ms}.
 *
 * @param maxAttempts attempts in all, the first included
 * @param initialBackoff the first wait
 * @param maxBackoff cap on the exponential wait
 * @param maxRetryAfter the longest server-requested wait honoured
 */
record RetryPolicy(
    int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

  static RetryPolicy of(JudgeProperties.Retry retry) {
    return new RetryPolicy(
        retry.maxAttempts(), retry.initialBackoff(), retry.maxBackoff(), retry.maxRetryAfter());
  }

  /**
   * The wait after failed attempt number {@code attempt} (1-based): half of {@code min(maxBackoff,
   * initialBackoff * 2^(attempt-1))} fixed, the other half random, so that workers that failed
   * together do not retry together.
   */
  Duration backoff(int attempt, DoubleSupplier random) {
    double exponential = initialBackoff.toNanos() * Math.pow(2, Math.min(attempt - 1, 30));
    double capped = Math.min(maxBackoff.toNanos(), exponential);
    return Duration.ofNanos((long) (capped / 2 + random.getAsDouble() * capped / 2));
  }

  /** The wait before the next attempt: the backoff, or the server's request if that is longer. */
  Duration delay(int attempt, Optional<Duration> retryAfter, DoubleSupplier random) {
    Duration backoff = backoff(attempt, random);
    return retryAfter.filter(requested -> requested.compareTo(backoff) > 0).orElse(backoff);
  }

  /**
   * Reads {@code retry-after-ms} (milliseconds) or {@code Retry-After} (delta-seconds or an HTTP
   * date); empty when neither is present or readable.
   */
  static Optional<Duration> parseRetryAfter(
      List<String> retryAfter, List<String> retryAfterMs, Instant now) {
    for (String value : retryAfterMs) {
      try {
        double millis = Double.parseDouble(value.strip());
        if (millis >= 0 && Double.isFinite(millis)) {
          return Optional.of(Duration.ofNanos((long) (millis * 1e6)));
        }
      } catch (NumberFormatException e) {
        // fall through to Retry-After
      }
    }
    for (String value : retryAfter) {
      String text = value.strip();
      try {
        long seconds = Long.parseLong(text);
        if (seconds >= 0) {
          return Optional.of(Duration.ofSeconds(seconds));
        }
      } catch (NumberFormatException e) {
        try {
          Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
          Duration until = Duration.between(now, at);
          return Optional.of(until.isNegative() ? Duration.ZERO : until);
        } catch (DateTimeParseException ignored) {
          // unreadable: no server-requested wait
        }
      }
    }
    return Optional.empty();
  }
}
