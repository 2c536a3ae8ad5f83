package org.ugda.world.data;

/**
 * A preference: for {@code prompt} (HH layout, ending with {@code "\n\nAssistant:"}), {@code
 * chosen} is preferred to {@code rejected}; both are bare responses.
 *
 * @param subset where the pair comes from (helpful, harmless, or a RewardBench subset)
 */
public record PreferencePair(String prompt, String chosen, String rejected, String subset) {
  public PreferencePair {
    if (prompt == null || chosen == null || rejected == null) {
      throw new IllegalArgumentException("prompt, chosen and rejected are required");
    }
    subset = subset == null ? "" : subset;
  }

  public PreferencePair flipped() {
    return new PreferencePair(prompt, rejected, chosen, subset);
  }
}
