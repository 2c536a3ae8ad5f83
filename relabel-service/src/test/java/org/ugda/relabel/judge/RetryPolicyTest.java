package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy =
      new RetryPolicy(6, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofMinutes(2));

  @Test
  void shouldDoubleTheBackoffWithJitterInTheUpperHalf() {
    assertThat(policy.backoff(1, () -> 0.0)).isEqualTo(Duration.ofMillis(250));
    assertThat(policy.backoff(1, () -> 1.0)).isEqualTo(Duration.ofMillis(500));
    assertThat(policy.backoff(3, () -> 1.0)).isEqualTo(Duration.ofMillis(2000));
    assertThat(policy.backoff(3, () -> 0.5)).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void shouldCapTheBackoff() {
    assertThat(policy.backoff(20, () -> 1.0)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.backoff(1000, () -> 1.0)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void shouldWaitAtLeastWhatRetryAfterAsks() {
    assertThat(policy.delay(1, Optional.of(Duration.ofSeconds(7)), () -> 1.0))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(policy.delay(8, Optional.of(Duration.ofSeconds(1)), () -> 1.0))
        .isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void shouldReadRetryAfterInSeconds() {
    assertThat(RetryPolicy.parseRetryAfter(List.of("3"), List.of(), Instant.now()))
        .contains(Duration.ofSeconds(3));
  }

  @Test
  void shouldReadRetryAfterAsHttpDate() {
    Instant now = Instant.parse("2025-01-01T10:00:00Z");

    assertThat(
            RetryPolicy.parseRetryAfter(List.of("Wed, 01 Jan 2025 10:00:12 GMT"), List.of(), now))
        .contains(Duration.ofSeconds(12));
    assertThat(
            RetryPolicy.parseRetryAfter(List.of("Wed, 01 Jan 2025 09:00:00 GMT"), List.of(), now))
        .contains(Duration.ZERO);
  }

  @Test
  void shouldPreferOpenAisRetryAfterMs() {
    assertThat(RetryPolicy.parseRetryAfter(List.of("3"), List.of("250"), Instant.now()))
        .contains(Duration.ofMillis(250));
  }

  @Test
  void shouldIgnoreUnreadableRetryAfter() {
    assertThat(RetryPolicy.parseRetryAfter(List.of("soon"), List.of("later"), Instant.now()))
        .isEmpty();
    assertThat(RetryPolicy.parseRetryAfter(List.of(), List.of(), Instant.now())).isEmpty();
  }
}
