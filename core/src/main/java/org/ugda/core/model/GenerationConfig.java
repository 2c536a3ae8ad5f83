package org.ugda.core.model;

import java.util.List;

/**
 * Sampling settings, with transformers' meanings: logits are divided by {@code temperature}, then
 * only the {@code topK} largest are kept (0 = off), then the smallest set of tokens whose
 * probability reaches {@code topP} (1 = off). {@code temperature == 0} is greedy decoding.
 *
 * @param maxNewTokens tokens generated per row at most
 * @param seed every row's sampling stream derives from (seed, row index)
 * @param eosIds a row stops after emitting one of these
 * @param useCache reuse keys and values of past tokens (KV cache); false recomputes the whole
 *     prefix every step (the benchmark's baseline, and a test reference)
 */
public record GenerationConfig(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    long seed,
    List<Integer> eosIds,
    boolean useCache) {

  public GenerationConfig {
    eosIds = List.copyOf(eosIds);
    if (maxNewTokens <= 0) {
      throw new IllegalArgumentException("maxNewTokens must be positive, got " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature must be >= 0 (0 = greedy), got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
  }

  public static GenerationConfig greedy(int maxNewTokens, List<Integer> eosIds) {
    return new GenerationConfig(maxNewTokens, 0, 0, 1, 0, eosIds, true);
  }

  /** The paper's PPO sampling: top-p 0.9, top-k off, temperature 1. */
  public static GenerationConfig paper(int maxNewTokens, long seed, List<Integer> eosIds) {
    return new GenerationConfig(maxNewTokens, 1.0, 0, 0.9, seed, eosIds, true);
  }

  public GenerationConfig withCache(boolean cache) {
    return new GenerationConfig(maxNewTokens, temperature, topK, topP, seed, eosIds, cache);
  }

  public GenerationConfig withSeed(long s) {
    return new GenerationConfig(maxNewTokens, temperature, topK, topP, s, eosIds, useCache);
  }
}
