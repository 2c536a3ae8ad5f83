package org.ugda.relabel.judge;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * A small circuit breaker around the LLM provider. After {@code failureThreshold} consecutive
 * failures (5xx, timeouts, broken connections) it opens: requests are refused without being sent
 * for {@code openFor}. Then one probe goes through (half-open): success closes it, failure opens it
 * again. Any HTTP answer that is not a server error counts as success: the provider is up.
 */
final class CircuitBreaker {

  /** The breaker's state. */
  enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  private static final Duration HALF_OPEN_WAIT = Duration.ofMillis(200);

  private final int failureThreshold;
  private final long openForNanos;
  private final LongSupplier nanoTime;

  private State state = State.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private boolean probeInFlight;

  CircuitBreaker(int failureThreshold, Duration openFor, LongSupplier nanoTime) {
    this.failureThreshold = failureThreshold;
    this.openForNanos = openFor.toNanos();
    this.nanoTime = nanoTime;
  }

  /**
   * Asks to send a request: empty when allowed, otherwise how long to wait before asking again. An
   * allowed caller must report {@link #onSuccess()} or {@link #onFailure()}.
   */
  synchronized Optional<Duration> tryAcquire() {
    if (state == State.OPEN) {
      long remaining = openedAt + openForNanos - nanoTime.getAsLong();
      if (remaining > 0) {
        return Optional.of(Duration.ofNanos(remaining));
      }
      state = State.HALF_OPEN;
      probeInFlight = false;
    }
    if (state == State.HALF_OPEN) {
      if (probeInFlight) {
        return Optional.of(HALF_OPEN_WAIT);
      }
      probeInFlight = true;
    }
    return Optional.empty();
  }

  synchronized void onSuccess() {
    state = State.CLOSED;
    consecutiveFailures = 0;
    probeInFlight = false;
  }

  synchronized void onFailure() {
    consecutiveFailures++;
    if (state == State.HALF_OPEN || consecutiveFailures >= failureThreshold) {
      state = State.OPEN;
      openedAt = nanoTime.getAsLong();
      probeInFlight = false;
    }
  }

  /** Releases a permit whose request was never sent (e.g. interrupted while queued). */
  synchronized void onAbandoned() {
    probeInFlight = false;
  }

  synchronized State state() {
    if (state == State.OPEN && nanoTime.getAsLong() - openedAt >= openForNanos) {
      return State.HALF_OPEN;
    }
    return state;
  }
}
