package org.ugda.api.policy;

import org.ugda.api.check.RequestChecks;

/**
 * Sampling settings with transformers' meanings; null fields take the paper's PPO sampling
 * (temperature 1, top-p 0.9, top-k off).
 *
 * @param maxNewTokens 1..{@value #MAX_NEW_TOKENS} (the service may cap it lower: the model's
 *     positions)
 * @param temperature 0 (greedy) .. 10
 * @param topP (0, 1]
 * @param topK 0 (off) .. 100000
 * @param seed every row's stream derives from it and the row
 */
public record Sampling(
    Integer maxNewTokens, Double temperature, Double topP, Integer topK, Long seed) {
  public static final int MAX_NEW_TOKENS = 2048;

  public Sampling {
    RequestChecks.range(maxNewTokens, "sampling.maxNewTokens", 1, MAX_NEW_TOKENS);
    RequestChecks.range(temperature, "sampling.temperature", 0, 10);
    RequestChecks.range(topK, "sampling.topK", 0, 100_000);
    if (topP != null && !(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException(
          "sampling.topP must be in (0, 1] (1 = off), got " + RequestChecks.number(topP));
    }
  }

  public Sampling withDefaults(int defaultMaxNewTokens) {
    return new Sampling(
        maxNewTokens == null ? defaultMaxNewTokens : maxNewTokens,
        temperature == null ? 1.0 : temperature,
        topP == null ? 0.9 : topP,
        topK == null ? 0 : topK,
        seed == null ? 0L : seed);
  }
}
