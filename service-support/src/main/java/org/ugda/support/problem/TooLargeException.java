package org.ugda.support.problem;

/**
 * A request over a configured limit (items, characters, bytes). Answered as 413; the message names
 * the limit and its configuration key.
 */
public class TooLargeException extends RuntimeException {
  public TooLargeException(String message) {
    super(message);
  }
}
