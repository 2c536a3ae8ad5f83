package org.ugda.policy.support;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.ugda.policy.rollout.Rollout;

/** Rollouts for tests: plausible values derived from step and index, so every row differs. */
public final class Rollouts {
  private Rollouts() {}

  /** Step {@code step}'s sample {@code index} of the run, with three members' rewards. */
  public static Rollout rollout(UUID runId, int step, int index) {
    return rollout(runId, step, index, "math", null, null);
  }

  /** As {@link #rollout(UUID, int, int)}, scored by this ensemble version (or none). */
  public static Rollout rollout(
      UUID runId, int step, int index, String subtask, UUID ensembleId, Integer version) {
    double base = step + index / 100.0;
    double[] rewards = {base, base + 0.5, base - 0.25};
    return new Rollout(
        runId,
        step / 4,
        step,
        index,
        subtask,
        "prompt " + step + "/" + index,
        "response " + step + "/" + index,
        new long[] {1, 100 + step, 200 + index},
        new long[] {300 + index, 2},
        index % 2 == 0,
        rewards,
        base + 0.0833,
        0.0972,
        0.01 * index,
        base - 0.01 * index,
        index % 3 == 0 ? null : base * 0.9,
        step,
        ensembleId,
        version);
  }

  /** The samples {@code 0..count-1} of each step {@code 0..steps-1}, changed by {@code edit}. */
  public static List<Rollout> grid(UUID runId, int steps, int count, UnaryOperator<Rollout> edit) {
    List<Rollout> out = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      for (int index = 0; index < count; index++) {
        out.add(
            edit.apply(rollout(runId, step, index, index % 2 == 0 ? "math" : "code", null, null)));
      }
    }
    return out;
  }

  /** A copy of {@code r} with other texts. */
  public static Rollout withTexts(Rollout r, String subtask, String prompt, String response) {
    return new Rollout(
        r.runId(),
        r.epoch(),
        r.step(),
        r.index(),
        subtask,
        prompt,
        response,
        r.promptTokens(),
        r.responseTokens(),
        r.endedWithEos(),
        r.memberRewards(),
        r.rewardMean(),
        r.rewardVariance(),
        r.kl(),
        r.shapedReward(),
        r.goldReward(),
        r.policyVersion(),
        r.ensembleId(),
        r.ensembleVersion());
  }

  /** A copy of {@code r} with these member rewards. */
  public static Rollout withRewards(Rollout r, double... rewards) {
    return new Rollout(
        r.runId(),
        r.epoch(),
        r.step(),
        r.index(),
        r.subtask(),
        r.prompt(),
        r.response(),
        r.promptTokens(),
        r.responseTokens(),
        r.endedWithEos(),
        rewards,
        r.rewardMean(),
        r.rewardVariance(),
        r.kl(),
        r.shapedReward(),
        r.goldReward(),
        r.policyVersion(),
        r.ensembleId(),
        r.ensembleVersion());
  }
}
