package org.ugda.world;

/**
 * How big a world to generate and how it is biased. Everything derives from {@code seed}.
 *
 * @param seed the one seed of the world
 * @param sftDemonstrations prompt + response demonstrations for supervised fine-tuning
 * @param trainPairs preference pairs the reward ensembles train on (length-biased, maybe flipped)
 * @param testPairs preference pairs for reward-model accuracy (unbiased, never flipped)
 * @param ppoPrompts prompts PPO rolls out on
 * @param validationPerSubtask (prompt, chosen response) per subtask, for the influence step
 * @param evalPrompts held-out prompts on which policies' gold reward is measured
 * @param harmlessShare share of unsafe requests among all prompts
 * @param lengthBias probability that a training pair is drawn where the longer answer wins
 * @param flip share of training pairs with chosen and rejected swapped (paper: 0.2)
 */
public record WorldConfig(
    long seed,
    int sftDemonstrations,
    int trainPairs,
    int testPairs,
    int ppoPrompts,
    int validationPerSubtask,
    int evalPrompts,
    double harmlessShare,
    double lengthBias,
    double flip) {

  public WorldConfig {
    if (sftDemonstrations <= 0
        || trainPairs <= 0
        || testPairs <= 0
        || ppoPrompts <= 0
        || validationPerSubtask <= 0
        || evalPrompts <= 0) {
      throw new IllegalArgumentException("every set of the world needs at least one item");
    }
    if (!(harmlessShare > 0 && harmlessShare < 1)) {
      throw new IllegalArgumentException("harmlessShare must be in (0, 1), got " + harmlessShare);
    }
    if (!(lengthBias >= 0 && lengthBias <= 1)) {
      throw new IllegalArgumentException("lengthBias must be in [0, 1], got " + lengthBias);
    }
    if (!(flip >= 0 && flip < 0.5)) {
      throw new IllegalArgumentException(
          "flip must be in [0, 0.5), got " + flip + " (at 0.5 labels carry no signal)");
    }
  }

  /** The default small preset: generated and SFT-trained in a few minutes on 2 cores. */
  public static WorldConfig small(long seed) {
    return new WorldConfig(seed, 3000, 3000, 600, 512, 64, 256, 0.3, 0.8, 0.0);
  }

  /** A tiny preset for tests. */
  public static WorldConfig tiny(long seed) {
    return new WorldConfig(seed, 300, 300, 100, 64, 16, 48, 0.3, 0.8, 0.0);
  }

  public WorldConfig withFlip(double f) {
    return new WorldConfig(
        seed,
        sftDemonstrations,
        trainPairs,
        testPairs,
        ppoPrompts,
        validationPerSubtask,
        evalPrompts,
        harmlessShare,
        lengthBias,
        f);
  }
}
