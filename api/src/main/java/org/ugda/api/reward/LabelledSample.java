package org.ugda.api.reward;

/**
 * An expert's label, 1..5, of a (prompt, response). The {@link RefineRequest} that carries labels
 * checks each with {@link #requireValid}, so that a message names the label's index.
 */
public record LabelledSample(String prompt, String response, int label) {

  /** Checks the sample {@code where} names (e.g. {@code labels[3]}). */
  public void requireValid(String where) {
    if (prompt == null || response == null) {
      throw new IllegalArgumentException(where + " needs prompt and response");
    }
    if (label < 1 || label > 5) {
      throw new IllegalArgumentException(
          where + ".label is " + label + "; expert labels are integers 1..5");
    }
  }
}
