package org.ugda.api.relabel;

import java.util.List;

/**
 * How often an expert gave each score (the paper's table 1, first rows).
 *
 * @param expert the expert
 * @param items items it labelled
 * @param counts items per score 1..5 (index 0 is score 1)
 * @param fractions counts / items per score (all 0 when it labelled nothing)
 */
public record ScoreDistribution(
    String expert, int items, List<Integer> counts, List<Double> fractions) {

  public ScoreDistribution {
    counts = List.copyOf(counts);
    fractions = List.copyOf(fractions);
    if (counts.size() != Scores.MAX || fractions.size() != Scores.MAX) {
      throw new IllegalArgumentException("counts and fractions need one entry per score 1..5");
    }
  }
}
