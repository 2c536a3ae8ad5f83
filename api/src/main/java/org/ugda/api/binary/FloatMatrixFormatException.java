package org.ugda.api.binary;

import java.io.IOException;

/** A body that is not a well-formed {@link FloatMatrices} stream: bad magic, version or length. */
public class FloatMatrixFormatException extends IOException {
  public FloatMatrixFormatException(String message) {
    super(message);
  }
}
