package org.ugda.relabel.judge;

/**
 * The judge could not give a verdict for an item. The message says why and is free of the API key.
 */
public final class JudgeUnavailableException extends Exception {

  /** Why no verdict came. */
  public enum Reason {
    /**
     * Retries or the item's deadline ran out on transient failures (or the circuit stayed open).
     */
    GAVE_UP,
    /** The provider rejected this item's request (a 4xx other than auth/not found/429). */
    REJECTED,
    /** The key, model or URL is wrong, or no key is configured: nothing will work until fixed. */
    MISCONFIGURED
  }

  private final Reason reason;

  public JudgeUnavailableException(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
