package org.ugda.benchmark.overopt;

import org.ugda.api.policy.Shaping;

/**
 * Settings of one over-optimisation run ({@code ugda world overopt}): a proxy ensemble trained on
 * the world's biased training pairs, then PPO of a fresh LoRA policy against it (or against the
 * gold reward, the sanity run), with the gold and proxy rewards read off held-out prompts as the
 * policy drifts from the SFT model (Gao et al. 2023's curves, DESIGN.md section 5).
 *
 * @param seed ensemble members (seed + i), policy adapter, value head, prompt order, sampling
 * @param steps PPO steps (one rollout batch each)
 * @param batch rollout rows per PPO step
 * @param minibatch rows per optimizer step inside a PPO epoch (4 PPO epochs per step)
 * @param members K, proxy reward members (DESIGN.md default 3)
 * @param shaping what the policy is rewarded with: the proxy ensemble's mean (Eq. 8) or the world's
 *     gold reward
 * @param evalEvery PPO steps between evaluations (step 0, the SFT model, is always evaluated)
 * @param evalPrompts held-out prompts per evaluation
 * @param lr peak learning rate of the policy (cosine annealing to lr / 10, as the paper's 1e-6 to
 *     1e-7)
 * @param beta fixed KL coefficient of Eq. 2 (R = r - beta * KL)
 * @param maxNewTokens response length limit of generation (the world's ideal answers are 3-12
 *     words; the limit leaves room for the filler the proxy rewards)
 * @param rewardEpochs epochs of Bradley-Terry training per member (Eq. 1)
 * @param rewardLr peak learning rate of the members (cosine to a tenth)
 */
public record OverOptConfig(
    long seed,
    int steps,
    int batch,
    int minibatch,
    int members,
    Shaping shaping,
    int evalEvery,
    int evalPrompts,
    double lr,
    double beta,
    int maxNewTokens,
    int rewardEpochs,
    double rewardLr) {

  public OverOptConfig {
    if (steps < 1 || batch < 2 || minibatch < 1 || minibatch > batch) {
      throw new IllegalArgumentException(
          "need steps >= 1, batch >= 2 and 1 <= minibatch <= batch, got "
              + steps
              + ", "
              + batch
              + ", "
              + minibatch);
    }
    if (members < 1 || members > 8) {
      throw new IllegalArgumentException("--members must be in 1..8, got " + members);
    }
    if (evalEvery < 1 || evalPrompts < 2) {
      throw new IllegalArgumentException(
          "--eval-every must be >= 1 and --eval-prompts >= 2, got "
              + evalEvery
              + " and "
              + evalPrompts);
    }
    if (!(lr > 0) || !(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException(
          "--lr must be > 0 and --beta >= 0, got " + lr + " and " + beta);
    }
    if (maxNewTokens < 1 || rewardEpochs < 1 || !(rewardLr > 0)) {
      throw new IllegalArgumentException(
          "max new tokens and reward epochs must be >= 1 and the reward learning rate > 0");
    }
    if (shaping != Shaping.MEAN && shaping != Shaping.GOLD) {
      throw new IllegalArgumentException(
          "--shaping must be mean or gold here (policy-service runs the others), got "
              + (shaping == null ? "none" : shaping.wire()));
    }
  }

  /**
   * The defaults of {@code ugda world overopt}: the last settings tried (about 7 minutes on 2 busy
   * cores). They do not yet show the peak: with them gold falls from the first evaluation under
   * either shaping (see the README), so they are a starting point for tuning, not a result.
   */
  public static OverOptConfig defaults(long seed) {
    return new OverOptConfig(seed, 100, 32, 8, 3, Shaping.MEAN, 10, 128, 6e-4, 0.05, 32, 1, 1e-3);
  }

  public OverOptConfig withShaping(Shaping s) {
    return new OverOptConfig(
        seed,
        steps,
        batch,
        minibatch,
        members,
        s,
        evalEvery,
        evalPrompts,
        lr,
        beta,
        maxNewTokens,
        rewardEpochs,
        rewardLr);
  }
}
