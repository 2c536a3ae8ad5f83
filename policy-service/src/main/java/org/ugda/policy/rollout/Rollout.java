package org.ugda.policy.rollout;

import java.util.Objects;
import java.util.UUID;

/**
 * One sample a PPO run generated, as {@link RolloutLog#append} takes it: the sample, every
 * reward-ensemble member's reward of it (a rollout is never logged without them, DESIGN.md section
 * 3 step 2) and what PPO made of it. {@code (runId, step, index)} is its identity in the log.
 * Lengths are those of the token arrays.
 *
 * <p>The record checks itself and throws {@link IllegalArgumentException} (or {@link
 * NullPointerException} for a missing field) with what to fix. The arrays are copied in; the
 * accessors return the record's own arrays, which callers must not change.
 *
 * @param runId the run (its {@code run} row must exist)
 * @param epoch PPO epoch, at least 0
 * @param step PPO step, at least 0
 * @param index position in the step's batch, at least 0
 * @param subtask the prompt's task family, at most 64 characters, or null
 * @param prompt the prompt as text (valid Unicode without NUL characters, which PostgreSQL cannot
 *     store)
 * @param response the response as text (the same rule)
 * @param promptTokens the prompt's token ids
 * @param responseTokens the response's token ids
 * @param endedWithEos whether generation stopped at the end-of-sequence token
 * @param memberRewards every member's reward, in member order: non-empty and finite
 * @param rewardMean the members' mean, finite
 * @param rewardVariance the members' variance, finite and at least 0
 * @param kl the sample's KL term, finite
 * @param shapedReward the reward PPO optimised, finite
 * @param goldReward the world's gold reward, finite, or null
 * @param policyVersion the policy version that generated it, at least 0
 * @param ensembleId the ensemble that scored it, or null (then {@code ensembleVersion} is null too)
 * @param ensembleVersion that ensemble's version, at least 1, or null
 */
public record Rollout(
    UUID runId,
    int epoch,
    int step,
    int index,
    String subtask,
    String prompt,
    String response,
    long[] promptTokens,
    long[] responseTokens,
    boolean endedWithEos,
    double[] memberRewards,
    double rewardMean,
    double rewardVariance,
    double kl,
    double shapedReward,
    Double goldReward,
    int policyVersion,
    UUID ensembleId,
    Integer ensembleVersion) {

  /** The longest subtask name the log stores (the column is {@code varchar(64)}). */
  public static final int MAX_SUBTASK_LENGTH = 64;

  public Rollout {
    Objects.requireNonNull(runId, "runId");
    atLeast("epoch", epoch, 0);
    atLeast("step", step, 0);
    atLeast("index", index, 0);
    if (subtask != null) {
      requireSubtask(subtask);
    }
    requireText("prompt", prompt);
    requireText("response", response);
    promptTokens = Objects.requireNonNull(promptTokens, "promptTokens").clone();
    responseTokens = Objects.requireNonNull(responseTokens, "responseTokens").clone();
    Objects.requireNonNull(memberRewards, "memberRewards");
    if (memberRewards.length == 0) {
      throw new IllegalArgumentException(
          "rollout (step "
              + step
              + ", index "
              + index
              + ") has no member rewards; a rollout is logged only with every member's reward");
    }
    memberRewards = memberRewards.clone();
    for (int i = 0; i < memberRewards.length; i++) {
      if (!Double.isFinite(memberRewards[i])) {
        throw new IllegalArgumentException(
            "rollout (step "
                + step
                + ", index "
                + index
                + ") has a non-finite reward of member "
                + i
                + " ("
                + memberRewards[i]
                + "); every member's reward must be a finite number");
      }
    }
    finite("rewardMean", rewardMean);
    finite("rewardVariance", rewardVariance);
    if (rewardVariance < 0) {
      throw new IllegalArgumentException(
          "rewardVariance must be at least 0, was " + rewardVariance);
    }
    finite("kl", kl);
    finite("shapedReward", shapedReward);
    if (goldReward != null) {
      finite("goldReward", goldReward);
    }
    atLeast("policyVersion", policyVersion, 0);
    if ((ensembleId == null) != (ensembleVersion == null)) {
      throw new IllegalArgumentException(
          "ensembleId and ensembleVersion go together: give both or neither, got "
              + ensembleId
              + " and "
              + ensembleVersion);
    }
    if (ensembleVersion != null) {
      atLeast("ensembleVersion", ensembleVersion, 1);
    }
  }

  /** {@code promptTokens.length}. */
  public int promptLength() {
    return promptTokens.length;
  }

  /** {@code responseTokens.length}. */
  public int responseLength() {
    return responseTokens.length;
  }

  /**
   * Refuses a subtask name the log cannot store: empty, or longer than {@value #MAX_SUBTASK_LENGTH}
   * characters (counted as PostgreSQL counts them, in code points).
   */
  static void requireSubtask(String subtask) {
    if (subtask.isEmpty()) {
      throw new IllegalArgumentException("subtask must not be empty; leave it out instead");
    }
    int length = subtask.codePointCount(0, subtask.length());
    if (length > MAX_SUBTASK_LENGTH) {
      throw new IllegalArgumentException(
          "subtask must be at most " + MAX_SUBTASK_LENGTH + " characters, was " + length);
    }
    requireText("subtask", subtask);
  }

  private static void requireText(String name, String text) {
    Objects.requireNonNull(text, name);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == 0) {
        throw new IllegalArgumentException(
            name + " contains a NUL character (at " + i + "), which PostgreSQL text cannot hold");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            name + " contains an unpaired UTF-16 surrogate (at " + i + "); it is not Unicode text");
      }
    }
  }

  private static void atLeast(String name, int value, int least) {
    if (value < least) {
      throw new IllegalArgumentException(name + " must be at least " + least + ", was " + value);
    }
  }

  private static void finite(String name, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException(name + " must be a finite number, was " + value);
    }
  }
}
