package org.ugda.api.reward;

/**
 * A preference for {@code prompt}: {@code chosen} over {@code rejected}; {@code subset} is
 * optional. The {@link DatasetRef} that carries pairs checks each with {@link #requireValid}, so
 * that a message names the pair's index.
 */
public record PreferencePair(String prompt, String chosen, String rejected, String subset) {

  /** Checks the pair {@code where} names (e.g. {@code dataset.pairs[3]}). */
  public void requireValid(String where) {
    if (prompt == null || chosen == null || rejected == null) {
      throw new IllegalArgumentException(where + " needs prompt, chosen and rejected");
    }
  }
}
