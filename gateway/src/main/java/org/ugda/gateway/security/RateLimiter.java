package org.ugda.gateway.security;

import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fixed window of one minute per key: at most {@code limit} requests from the minute's start; the
 * next one waits for the next minute. Per gateway instance (in memory): with N instances a key gets
 * at most N times its limit.
 */
final class RateLimiter {

  private static final long MINUTE_MS = 60_000;

  private final Clock clock;
  private final Map<UUID, Window> windows = new ConcurrentHashMap<>();

  RateLimiter(Clock clock) {
    this.clock = clock;
  }

  /** 0 if the request may go now, else the seconds until it may (at least 1). */
  long acquire(UUID key, int limit) {
    long now = clock.millis();
    long start = now - now % MINUTE_MS;
    Window window =
        windows.compute(
            key,
            (id, old) ->
                old == null || old.start != start
                    ? new Window(start, 1)
                    : new Window(start, old.count + 1));
    if (window.count <= limit) {
      return 0;
    }
    return Math.max(1, (start + MINUTE_MS - now + 999) / 1000);
  }

  private record Window(long start, int count) {}
}
