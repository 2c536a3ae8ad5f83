package org.ugda.core.train;

/** A loss, gradient or reward that is NaN or infinite: an error, never a number in a result. */
public class NonFiniteException extends ArithmeticException {
  public NonFiniteException(String message) {
    super(message);
  }
}
