package org.ugda.core.train;

/**
 * Linear warm-up, then cosine annealing from the peak rate to a floor (DESIGN.md section 3: 1e-6
 * annealed to 1e-7 in the paper's setting).
 *
 * @param peak learning rate reached at the end of warm-up
 * @param floor learning rate at the last step
 * @param warmupSteps steps of linear warm-up from 0
 * @param totalSteps all optimizer steps of the run
 */
public record CosineSchedule(double peak, double floor, int warmupSteps, int totalSteps) {

  public CosineSchedule {
    if (!(peak > 0) || floor < 0 || floor > peak) {
      throw new IllegalArgumentException(
          "need 0 <= floor <= peak and peak > 0, got peak " + peak + ", floor " + floor);
    }
    if (warmupSteps < 0 || totalSteps <= 0 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException(
          "need 0 <= warmupSteps <= totalSteps and totalSteps > 0, got "
              + warmupSteps
              + ", "
              + totalSteps);
    }
  }

  /** The rate of optimizer step {@code step} (0-based). */
  public double at(int step) {
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    int span = Math.max(1, totalSteps - warmupSteps - 1);
    double progress = Math.min(1.0, (double) (step - warmupSteps) / span);
    return floor + (peak - floor) * 0.5 * (1 + StrictMath.cos(Math.PI * progress));
  }

  /** The mean rate over steps [from, to): the paper's eta-bar of an epoch (Eq. 10). */
  public double mean(int from, int to) {
    if (to <= from) {
      throw new IllegalArgumentException("empty step range [" + from + ", " + to + ")");
    }
    double s = 0;
    for (int i = from; i < to; i++) {
      s += at(i);
    }
    return s / (to - from);
  }
}
