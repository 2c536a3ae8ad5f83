package org.ugda.gateway.experiments;

import java.util.List;

/**
 * A figure over seeds: the mean, the half-width of its 95% confidence interval (Student's t with n
 * - 1 degrees of freedom; null for a single seed, where no interval exists) and n.
 */
public record Stat(double mean, Double ci95, int n) {

  /** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
  private static final double[] T975 = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
    2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
    2.052, 2.048, 2.045, 2.042
  };

  /** The statistic of these values (one per seed); null when there is none. */
  public static Stat of(List<Double> values) {
    List<Double> v = values.stream().filter(x -> x != null && Double.isFinite(x)).toList();
    if (v.isEmpty()) {
      return null;
    }
    int n = v.size();
    double mean = v.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    if (n == 1) {
      return new Stat(mean, null, 1);
    }
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(ss / (n - 1));
    return new Stat(mean, t975(n - 1) * sd / Math.sqrt(n), n);
  }

  static double t975(int df) {
    return df <= T975.length ? T975[df - 1] : 1.960;
  }

  /**
   * Whether the interval lies wholly above zero (1), wholly below (-1), or crosses it or does not
   * exist (0: a tie).
   */
  public int sign() {
    if (ci95 == null) {
      return 0;
    }
    if (mean - ci95 > 0) {
      return 1;
    }
    return mean + ci95 < 0 ? -1 : 0;
  }
}
