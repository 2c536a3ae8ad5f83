package org.ugda.relabel.judge;

import java.time.Duration;
import java.util.Optional;

/** One failed request to the provider, classified; the message is already free of the API key. */
final class CallFailure extends Exception {

  /** How a failed request is treated. */
  enum Kind {
    /** 429: wait (all workers) as asked, retry; not the provider's ill health. */
    RATE_LIMITED,
    /**
     * 408, 5xx, timeouts, broken connections, unreadable bodies: back off, retry; counts for the
     * breaker.
     */
    TRANSIENT,
    /** 400, 413, 422 and other client errors: this item's request will not succeed as it is. */
    REJECTED,
    /** 401, 403, 404: the key, the model or the URL is wrong; no item will succeed until fixed. */
    MISCONFIGURED
  }

  private final Kind kind;
  private final transient Optional<Duration> retryAfter;

  CallFailure(Kind kind, String message, Optional<Duration> retryAfter) {
    super(message, null, false, false);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  Kind kind() {
    return kind;
  }

  Optional<Duration> retryAfter() {
    return retryAfter;
  }
}
