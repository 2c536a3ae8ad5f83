package org.ugda.support.problem;

/**
 * The request is well formed but conflicts with what is stored (a name taken, a job in the wrong
 * state, an idempotency key used for another request). Answered as 409; the message says what to do
 * instead.
 */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
