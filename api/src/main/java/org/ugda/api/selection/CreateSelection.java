package org.ugda.api.selection;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.ugda.api.policy.FeatureRequest;

/**
 * {@code POST /v1/selections}: pick the samples of a PPO run's log worth an expert's label
 * (DESIGN.md section 3, steps 3-5). Send an {@code Idempotency-Key} header with it: a retried POST
 * with the same key and body returns the selection the first one created.
 *
 * <p>The budget: {@code budgetFraction} of the log, or {@code budgetCount} samples, or (neither)
 * what the paper's two cuts keep: the samples whose variance-rank fraction exceeds gamma, and of
 * those the ones whose influence-rank fraction exceeds eta (gamma = eta = 0.5 keeps 25%). Every
 * strategy keeps exactly that many; {@code ugda} keeps the most influential of the samples that
 * pass the gamma cut, so a budget given as a fraction or a count takes eta's place (giving both is
 * a 400).
 *
 * @param runId the PPO run of policy-service whose log is selected from
 * @param strategy {@code ugda} (default), {@code uncertainty}, {@code gradient} or {@code random}
 * @param gamma the uncertainty cut, 0-1 (default 0.5)
 * @param eta the influence cut, 0-1 (default 0.5; only without a budget)
 * @param budgetFraction the share of the log to keep, above 0 and at most 1
 * @param budgetCount the number of samples to keep, at least 1
 * @param checkpoints the run's checkpoints to take influence at, with their weights; null: every
 *     checkpoint the run has, each weighted by its epoch's mean learning rate
 * @param dim the projection dimension d: 1024, 2048, 4096 or 8192 (default)
 * @param seed the seed of the Rademacher projection and of {@code random} (default 0)
 * @param aggregation over subtasks: {@code mean} (default) or {@code max} (Eq. 12)
 * @param influence {@code paper} (default, Eq. 10-11) or {@code less}
 * @param direction the training samples' direction: {@code adam} (Eq. 6, bias corrected; the
 *     default), {@code adam-less} (LESS's, without bias correction) or {@code plain} (SGD)
 * @param validation the subtasks; null: the benchmark world's {@code helpful} and {@code harmless}
 */
public record CreateSelection(
    UUID runId,
    Strategy strategy,
    Double gamma,
    Double eta,
    Double budgetFraction,
    Integer budgetCount,
    List<SelectionCheckpoint> checkpoints,
    Integer dim,
    Long seed,
    Aggregation aggregation,
    InfluenceForm influence,
    FeatureRequest.Mode direction,
    List<ValidationSubtask> validation) {

  public static final double DEFAULT_CUT = 0.5;

  public CreateSelection {
    if (runId == null) {
      throw new IllegalArgumentException("runId is required: the PPO run to select from");
    }
    strategy = strategy == null ? Strategy.UGDA : strategy;
    gamma = cut(gamma, "gamma");
    if (eta != null && (budgetFraction != null || budgetCount != null)) {
      throw new IllegalArgumentException(
          "give eta or a budget (budgetFraction or budgetCount), not both: with a budget, ugda keeps"
              + " the most influential samples that pass gamma, as many as the budget says");
    }
    if (budgetFraction != null && budgetCount != null) {
      throw new IllegalArgumentException("give budgetFraction or budgetCount, not both");
    }
    if (budgetFraction != null && !(budgetFraction > 0 && budgetFraction <= 1)) {
      throw new IllegalArgumentException(
          "budgetFraction must be above 0 and at most 1, got " + budgetFraction);
    }
    if (budgetCount != null && budgetCount < 1) {
      throw new IllegalArgumentException("budgetCount must be at least 1, got " + budgetCount);
    }
    if (budgetFraction == null && budgetCount == null) {
      eta = cut(eta, "eta");
    }
    if (checkpoints != null) {
      if (checkpoints.isEmpty()) {
        throw new IllegalArgumentException(
            "checkpoints is empty; leave it out to use every checkpoint of the run");
      }
      Set<Integer> seen = new HashSet<>();
      for (int i = 0; i < checkpoints.size(); i++) {
        SelectionCheckpoint c = checkpoints.get(i);
        if (c == null) {
          throw new IllegalArgumentException("checkpoints[" + i + "] is null");
        }
        if (!seen.add(c.epoch())) {
          throw new IllegalArgumentException("checkpoint epoch " + c.epoch() + " is listed twice");
        }
      }
      checkpoints = List.copyOf(checkpoints);
    }
    dim = dim == null ? 8192 : dim;
    if (dim != 1024 && dim != 2048 && dim != 4096 && dim != 8192) {
      throw new IllegalArgumentException(
          "dim must be one of 1024, 2048, 4096, 8192 (the paper's projection sizes), got " + dim);
    }
    seed = seed == null ? 0L : seed;
    aggregation = aggregation == null ? Aggregation.MEAN : aggregation;
    influence = influence == null ? InfluenceForm.PAPER : influence;
    direction = direction == null ? FeatureRequest.Mode.ADAM : direction;
    if (validation != null) {
      if (validation.isEmpty()) {
        throw new IllegalArgumentException(
            "validation is empty; give at least one subtask, or leave it out for the benchmark"
                + " world's helpful and harmless sets");
      }
      Set<String> names = new HashSet<>();
      for (int i = 0; i < validation.size(); i++) {
        ValidationSubtask v = validation.get(i);
        if (v == null) {
          throw new IllegalArgumentException("validation[" + i + "] is null");
        }
        if (!names.add(v.name())) {
          throw new IllegalArgumentException(
              "validation subtask '" + v.name() + "' is given twice");
        }
      }
      validation = List.copyOf(validation);
    }
  }

  private static double cut(Double v, String name) {
    if (v == null) {
      return DEFAULT_CUT;
    }
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(name + " must be from 0 to 1 (a rank fraction), got " + v);
    }
    return v;
  }
}
