package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final AtomicLong clock = new AtomicLong();
  private final CircuitBreaker breaker = new CircuitBreaker(3, Duration.ofSeconds(10), clock::get);

  @Test
  void shouldOpenAfterConsecutiveFailuresAndRefuseUntilOpenForHasPassed() {
    fail(3);

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).contains(Duration.ofSeconds(10));
    clock.addAndGet(Duration.ofSeconds(4).toNanos());
    assertThat(breaker.tryAcquire()).contains(Duration.ofSeconds(6));
  }

  @Test
  void shouldStayClosedWhenSuccessesBreakTheRun() {
    fail(2);
    breaker.onSuccess();
    fail(2);

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isEmpty();
  }

  @Test
  void shouldLetOneProbeThroughWhenHalfOpenAndCloseOnItsSuccess() {
    fail(3);
    clock.addAndGet(Duration.ofSeconds(10).toNanos());

    assertThat(breaker.tryAcquire()).isEmpty();
    assertThat(breaker.tryAcquire()).isPresent();
    breaker.onSuccess();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.tryAcquire()).isEmpty();
  }

  @Test
  void shouldReopenWhenTheProbeFails() {
    fail(3);
    clock.addAndGet(Duration.ofSeconds(10).toNanos());

    assertThat(breaker.tryAcquire()).isEmpty();
    breaker.onFailure();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.tryAcquire()).contains(Duration.ofSeconds(10));
  }

  @Test
  void shouldFreeTheProbeWhenItsRequestIsAbandoned() {
    fail(3);
    clock.addAndGet(Duration.ofSeconds(10).toNanos());
    assertThat(breaker.tryAcquire()).isEmpty();

    breaker.onAbandoned();

    assertThat(breaker.tryAcquire()).isEmpty();
  }

  private void fail(int times) {
    for (int i = 0; i < times; i++) {
      assertThat(breaker.tryAcquire()).isEmpty();
      breaker.onFailure();
    }
  }
}
