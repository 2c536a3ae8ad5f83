package org.ugda.core.format;

/**
 * A checkpoint, config, adapter or tokenizer file that cannot be used as it is. The message names
 * the file and, where it applies, the tensor, the expected and the actual shape, or the supported
 * values, so the user knows what to fix.
 */
public class CheckpointException extends IllegalArgumentException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
