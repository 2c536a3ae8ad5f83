package org.ugda.policy.rollout;

/**
 * Which rows of a run's rollout log a read returns: a step range (inclusive; either end may be
 * open) and a subtask. Refuses what no row can match with {@link IllegalArgumentException}.
 *
 * @param fromStep the first step, at least 0, or null for the run's first
 * @param toStep the last step, at least {@code fromStep}, or null for the run's last
 * @param subtask only this subtask (1-64 characters), or null for every subtask
 */
public record RolloutFilter(Integer fromStep, Integer toStep, String subtask) {

  /** Every row of the run. */
  public static final RolloutFilter ALL = new RolloutFilter(null, null, null);

  public RolloutFilter {
    if (fromStep != null && fromStep < 0) {
      throw new IllegalArgumentException("fromStep must be at least 0, was " + fromStep);
    }
    if (toStep != null && toStep < 0) {
      throw new IllegalArgumentException("toStep must be at least 0, was " + toStep);
    }
    if (fromStep != null && toStep != null && fromStep > toStep) {
      throw new IllegalArgumentException(
          "fromStep ("
              + fromStep
              + ") is after toStep ("
              + toStep
              + "); the range is inclusive, so give fromStep <= toStep");
    }
    if (subtask != null) {
      Rollout.requireSubtask(subtask);
    }
  }

  /** Rows of exactly these steps. */
  public static RolloutFilter steps(int fromStep, int toStep) {
    return new RolloutFilter(fromStep, toStep, null);
  }
}
