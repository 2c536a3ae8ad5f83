package org.ugda.api.relabel;

/**
 * Exact agreement on one score (the paper's table 1, "Similarity" row): of the shared items expert
 * A scored {@code score}, the fraction expert B scored the same.
 *
 * @param score 1..5
 * @param scoredByA shared items A gave this score
 * @param sameByB of those, how many B scored the same
 * @param fraction sameByB / scoredByA, or null when A never gave this score
 */
public record ScoreAgreement(int score, int scoredByA, int sameByB, Double fraction) {

  public ScoreAgreement {
    Scores.require(score);
    if (sameByB < 0 || sameByB > scoredByA) {
      throw new IllegalArgumentException("sameByB must be in 0..scoredByA");
    }
  }
}
