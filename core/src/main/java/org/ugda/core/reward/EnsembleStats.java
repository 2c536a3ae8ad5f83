package org.ugda.core.reward;

import org.ugda.core.train.NonFiniteException;

/**
 * Ensemble statistics of Eq. 8: the mean reward trains the policy, the variance across members
 * (divided by k, as the paper divides) measures uncertainty.
 */
public final class EnsembleStats {
  private EnsembleStats() {}

  /** Mean and variance of one item's member rewards. */
  public record MeanVariance(double mean, double variance) {}

  /** R_m = (1/k) sum_i r_i and R_v = (1/k) sum_i (r_i - R_m)^2; a non-finite reward is an error. */
  public static MeanVariance of(float[] memberRewards) {
    double[] d = new double[memberRewards.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = memberRewards[i];
    }
    return of(d);
  }

  /** As {@link #of(float[])}, for rewards that arrived as doubles (over HTTP). */
  public static MeanVariance of(double[] memberRewards) {
    int k = memberRewards.length;
    if (k == 0) {
      throw new IllegalArgumentException("an ensemble needs at least one member");
    }
    double sum = 0;
    for (double r : memberRewards) {
      if (!Double.isFinite(r)) {
        throw new NonFiniteException("a member's reward is " + r);
      }
      sum += r;
    }
    double mean = sum / k;
    double var = 0;
    for (double r : memberRewards) {
      var += (r - mean) * (r - mean);
    }
    return new MeanVariance(mean, var / k);
  }
}
