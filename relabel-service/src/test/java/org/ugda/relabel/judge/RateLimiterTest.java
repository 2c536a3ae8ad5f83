package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  @Test
  void shouldSpaceRequestsEvenly() {
    RateLimiter limiter = new RateLimiter(4, clock::get);

    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(250).toNanos());
    assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(500).toNanos());
  }

  @Test
  void shouldNotBankUnusedTime() {
    RateLimiter limiter = new RateLimiter(4, clock::get);
    clock.addAndGet(Duration.ofSeconds(10).toNanos());

    assertThat(limiter.reserve()).isZero();
    assertThat(limiter.reserve()).isEqualTo(Duration.ofMillis(250).toNanos());
  }

  @Test
  void shouldHoldEveryoneBackDuringAPause() {
    RateLimiter limiter = new RateLimiter(0, clock::get);
    limiter.pause(Duration.ofSeconds(2));
    limiter.pause(Duration.ofSeconds(1));

    assertThat(limiter.reserve()).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(limiter.reserve()).isEqualTo(Duration.ofSeconds(2).toNanos());
    clock.addAndGet(Duration.ofSeconds(3).toNanos());
    assertThat(limiter.reserve()).isZero();
  }
}
