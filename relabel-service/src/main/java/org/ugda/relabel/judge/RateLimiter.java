package org.ugda.relabel.judge;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Spaces request starts evenly at {@code permitsPerSecond} (0 = no limit) and holds every caller
 * back while the provider has asked us to pause (a 429 or 503 with {@code Retry-After} pauses all
 * workers, not only the one that got it).
 */
final class RateLimiter {

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private long nextSlot;
  private long pausedUntil;

  RateLimiter(double permitsPerSecond, LongSupplier nanoTime) {
    this.intervalNanos = permitsPerSecond <= 0 ? 0 : (long) (1e9 / permitsPerSecond);
    this.nanoTime = nanoTime;
    long now = nanoTime.getAsLong();
    this.nextSlot = now;
    this.pausedUntil = now;
  }

  /** Waits for this caller's slot. */
  void acquire() throws InterruptedException {
    long wait = reserve();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  /** Reserves the next slot and returns how long to wait for it, in nanoseconds. */
  synchronized long reserve() {
    long now = nanoTime.getAsLong();
    long slot = Math.max(now, Math.max(nextSlot, pausedUntil));
    nextSlot = slot + intervalNanos;
    return slot - now;
  }

  /** No request starts before {@code pause} from now (an earlier pause that ends later stays). */
  synchronized void pause(Duration pause) {
    pausedUntil = Math.max(pausedUntil, nanoTime.getAsLong() + pause.toNanos());
  }
}
