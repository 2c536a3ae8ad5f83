package org.ugda.reward.scoring;

/**
 * The last {@link #SIZE} rewards one member gave, and their mean, standard deviation, minimum and
 * maximum, for gauges that keep the sign: a Micrometer {@code DistributionSummary} drops negative
 * values, and rewards are as often negative as positive, so its count and mean were biased.
 */
final class ScoreWindow {
  /** Rewards per member the statistics are taken over: the most recent ones. */
  static final int SIZE = 1024;

  private final double[] values = new double[SIZE];
  private int next;
  private int size;

  /** Mean, population standard deviation, minimum and maximum; all NaN while empty. */
  record Stats(int count, double mean, double stddev, double min, double max) {}

  synchronized void add(double reward) {
    values[next] = reward;
    next = (next + 1) % SIZE;
    size = Math.min(SIZE, size + 1);
  }

  /**
   * The statistics of the rewards in the window, two passes (mean first, then the squared
   * deviations from it, which stays accurate where sum-of-squares minus squared-sum cancels).
   */
  synchronized Stats stats() {
    if (size == 0) {
      return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double sum = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < size; i++) {
      sum += values[i];
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    double mean = sum / size;
    double squares = 0;
    for (int i = 0; i < size; i++) {
      double d = values[i] - mean;
      squares += d * d;
    }
    return new Stats(size, mean, Math.sqrt(squares / size), min, max);
  }
}
