package org.ugda.core.reward;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ugda.core.tensor.Rng;

/**
 * Relabelling targets of Eq. 13: an expert label j in 1..5 becomes, for member i, the (20 j)-th
 * percentile of member i's own rewards over the whole interaction log, plus Gaussian noise with
 * standard deviation sigma (the paper's epsilon ~ N(0, 0.01), so sigma = 0.1). Label 5 maps to the
 * largest logged reward, label 1 to the 20th percentile.
 *
 * <p>Percentiles interpolate linearly between order statistics, as {@code numpy.percentile} does by
 * default: rank (n - 1) q / 100.
 */
public final class QuantileTargets {
  private QuantileTargets() {}

  /** The q-th percentile (0..100) of values, linear interpolation. */
  public static double percentile(float[] values, double q) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values to take a percentile of");
    }
    if (!(q >= 0 && q <= 100)) {
      throw new IllegalArgumentException("percentile must be in [0, 100], got " + q);
    }
    float[] s = values.clone();
    Arrays.sort(s);
    return percentileSorted(s, q);
  }

  static double percentileSorted(float[] sorted, double q) {
    double rank = (sorted.length - 1) * q / 100.0;
    int lo = (int) Math.floor(rank);
    int hi = Math.min(lo + 1, sorted.length - 1);
    double frac = rank - lo;
    return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * frac;
  }

  /**
   * Targets [member][sample]: {@code memberLog[i]} is member i's rewards over the interaction log,
   * {@code labels[s]} the expert's label of sample s. Noise is drawn from (seed, member, sample),
   * so a target does not depend on how many other samples there are.
   */
  public static float[][] targets(float[][] memberLog, int[] labels, double sigma, long seed) {
    if (memberLog.length == 0) {
      throw new IllegalArgumentException("the interaction log's reward distribution has no member");
    }
    if (sigma < 0) {
      throw new IllegalArgumentException("noise sigma must be >= 0, got " + sigma);
    }
    for (int s = 0; s < labels.length; s++) {
      if (labels[s] < 1 || labels[s] > 5) {
        throw new IllegalArgumentException(
            "label " + (s + 1) + " is " + labels[s] + "; labels must be 1..5");
      }
    }
    float[][] out = new float[memberLog.length][labels.length];
    for (int i = 0; i < memberLog.length; i++) {
      if (memberLog[i].length == 0) {
        throw new IllegalArgumentException("member " + i + " has no logged rewards");
      }
      float[] sorted = memberLog[i].clone();
      Arrays.sort(sorted);
      double[] quantile = new double[6];
      for (int j = 1; j <= 5; j++) {
        quantile[j] = percentileSorted(sorted, 20.0 * j);
      }
      for (int s = 0; s < labels.length; s++) {
        SplittableRandom r =
            new SplittableRandom(
                Rng.mix(seed ^ Rng.mix(31L * i + 1) ^ Rng.mix(1_000_003L * s + 7)));
        out[i][s] = (float) (quantile[labels[s]] + sigma * Rng.gaussian(r));
      }
    }
    return out;
  }
}
