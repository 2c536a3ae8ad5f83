package org.ugda.api.reward;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Pairwise accuracy: the share of pairs whose chosen response gets the higher reward, per member
 * and for the ensemble mean, overall and per subset.
 */
public record AccuracyReport(
    UUID ensembleId,
    int version,
    int pairs,
    List<Double> memberAccuracy,
    double meanAccuracy,
    Map<String, SubsetAccuracy> subsets) {

  /** The same figures within one subset. */
  public record SubsetAccuracy(int pairs, List<Double> memberAccuracy, double meanAccuracy) {}
}
