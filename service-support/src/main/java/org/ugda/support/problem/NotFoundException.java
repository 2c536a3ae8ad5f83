package org.ugda.support.problem;

/**
 * Something a request names does not exist (an ensemble, a version, a job). Answered as 404; the
 * message says what was not found and, where it helps, how to list what exists.
 */
public class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
