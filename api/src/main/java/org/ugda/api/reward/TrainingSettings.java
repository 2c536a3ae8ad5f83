package org.ugda.api.reward;

import org.ugda.api.check.RequestChecks;

/**
 * Optimizer settings of a train or refine job (requests carry them as {@code training}); null
 * fields take the service's configured defaults ({@code ugda.reward.training.*}). Each given field
 * is checked here; whether a field fits the defaults of the others (a floor learning rate above the
 * default peak) is checked by the service, and so are its limits ({@code ugda.reward.limits.*}:
 * epochs, batch size and accumulation may be capped lower than the bounds below).
 *
 * @param epochs passes over the data, 1..100
 * @param batchSize sequences per micro-batch, 1..512
 * @param accumulation micro-batches per optimizer step, 1..1024
 * @param learningRate the peak of the cosine schedule, in (0, 1] (the paper: 1e-6)
 * @param floorLearningRate where the cosine ends, in [0, learningRate] (the paper: 1e-7)
 * @param warmupFraction share of the steps spent warming up linearly, in [0, 1)
 * @param weightDecay decoupled weight decay, 0 or more
 * @param clipNorm gradient norm clip, 0 or more (0: no clipping)
 * @param seed data order and noise; default the ensemble's seed
 */
public record TrainingSettings(
    Integer epochs,
    Integer batchSize,
    Integer accumulation,
    Double learningRate,
    Double floorLearningRate,
    Double warmupFraction,
    Double weightDecay,
    Double clipNorm,
    Long seed) {

  /** No setting given: every field takes the service's default. */
  public static final TrainingSettings DEFAULTS =
      new TrainingSettings(null, null, null, null, null, null, null, null, null);

  public TrainingSettings {
    RequestChecks.range(epochs, "training.epochs", 1, 100);
    RequestChecks.range(batchSize, "training.batchSize", 1, 512);
    RequestChecks.range(accumulation, "training.accumulation", 1, 1024);
    if (learningRate != null && !(learningRate > 0 && learningRate <= 1)) {
      throw new IllegalArgumentException(
          "training.learningRate must be in (0, 1], got " + learningRate);
    }
    double peak = learningRate == null ? 1 : learningRate;
    if (floorLearningRate != null && !(floorLearningRate >= 0 && floorLearningRate <= peak)) {
      throw new IllegalArgumentException(
          "training.floorLearningRate must be in [0, learningRate"
              + (learningRate == null ? "" : " = " + learningRate)
              + "], got "
              + floorLearningRate);
    }
    if (warmupFraction != null && !(warmupFraction >= 0 && warmupFraction < 1)) {
      throw new IllegalArgumentException(
          "training.warmupFraction must be in [0, 1), got " + warmupFraction);
    }
    RequestChecks.nonNegative(weightDecay, "training.weightDecay");
    RequestChecks.nonNegative(clipNorm, "training.clipNorm");
  }
}
