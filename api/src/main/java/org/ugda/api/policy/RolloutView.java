package org.ugda.api.policy;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * One logged sample of a PPO run, as {@code GET /v1/runs/{runId}/rollouts} (a page), {@code
 * .../rollouts/{rolloutId}} and {@code .../rollouts/export} (one per JSONL line) answer it.
 *
 * <p>An answer from another service is taken as sent (no checks here): the caller decides what it
 * can use. The arrays are the record's own; {@link #equals}, {@link #hashCode} and {@link
 * #toString} compare and show their contents.
 *
 * @param id the rollout's id in the log; ids grow in the order rows were logged
 * @param runId the run that generated it
 * @param epoch the PPO epoch
 * @param step the PPO step (the batch it belongs to)
 * @param index its position in that step's batch; {@code (runId, step, index)} is its identity
 * @param subtask the task family of its prompt, or null
 * @param prompt the prompt as text
 * @param response the generated response as text
 * @param promptTokens the prompt's token ids
 * @param responseTokens the response's token ids
 * @param promptLength {@code promptTokens.length}
 * @param responseLength {@code responseTokens.length}
 * @param endedWithEos whether generation stopped at the end-of-sequence token (not at the length
 *     cap)
 * @param memberRewards every reward-ensemble member's reward of it, in member order
 * @param rewardMean the members' mean
 * @param rewardVariance the members' variance
 * @param kl the sample's KL divergence from the reference policy
 * @param shapedReward the reward PPO optimised (mean shaped by the run's shaping and the KL term)
 * @param goldReward the benchmark world's gold reward, or null where there is none
 * @param policyVersion the policy version that generated it
 * @param ensembleId the reward ensemble that scored it, or null
 * @param ensembleVersion that ensemble's version, or null
 * @param createdAt when it was logged
 */
public record RolloutView(
    long id,
    UUID runId,
    int epoch,
    int step,
    int index,
    String subtask,
    String prompt,
    String response,
    long[] promptTokens,
    long[] responseTokens,
    int promptLength,
    int responseLength,
    boolean endedWithEos,
    double[] memberRewards,
    double rewardMean,
    double rewardVariance,
    double kl,
    double shapedReward,
    Double goldReward,
    int policyVersion,
    UUID ensembleId,
    Integer ensembleVersion,
    Instant createdAt) {

  @Override
  public boolean equals(Object other) {
    return other instanceof RolloutView o
        && id == o.id
        && Objects.equals(runId, o.runId)
        && epoch == o.epoch
        && step == o.step
        && index == o.index
        && Objects.equals(subtask, o.subtask)
        && Objects.equals(prompt, o.prompt)
        && Objects.equals(response, o.response)
        && Arrays.equals(promptTokens, o.promptTokens)
        && Arrays.equals(responseTokens, o.responseTokens)
        && promptLength == o.promptLength
        && responseLength == o.responseLength
        && endedWithEos == o.endedWithEos
        && Arrays.equals(memberRewards, o.memberRewards)
        && Double.compare(rewardMean, o.rewardMean) == 0
        && Double.compare(rewardVariance, o.rewardVariance) == 0
        && Double.compare(kl, o.kl) == 0
        && Double.compare(shapedReward, o.shapedReward) == 0
        && Objects.equals(goldReward, o.goldReward)
        && policyVersion == o.policyVersion
        && Objects.equals(ensembleId, o.ensembleId)
        && Objects.equals(ensembleVersion, o.ensembleVersion)
        && Objects.equals(createdAt, o.createdAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id,
        runId,
        step,
        index,
        prompt,
        response,
        Arrays.hashCode(promptTokens),
        Arrays.hashCode(responseTokens),
        Arrays.hashCode(memberRewards));
  }

  @Override
  public String toString() {
    return "RolloutView[id="
        + id
        + ", runId="
        + runId
        + ", epoch="
        + epoch
        + ", step="
        + step
        + ", index="
        + index
        + ", subtask="
        + subtask
        + ", promptLength="
        + promptLength
        + ", responseLength="
        + responseLength
        + ", endedWithEos="
        + endedWithEos
        + ", memberRewards="
        + Arrays.toString(memberRewards)
        + ", rewardMean="
        + rewardMean
        + ", rewardVariance="
        + rewardVariance
        + ", kl="
        + kl
        + ", shapedReward="
        + shapedReward
        + ", goldReward="
        + goldReward
        + ", policyVersion="
        + policyVersion
        + ", ensembleId="
        + ensembleId
        + ", ensembleVersion="
        + ensembleVersion
        + ", createdAt="
        + createdAt
        + "]";
  }
}
