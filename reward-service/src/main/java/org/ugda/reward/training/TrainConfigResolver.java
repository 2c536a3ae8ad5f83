package org.ugda.reward.training;

import org.ugda.api.reward.TrainingSettings;
import org.ugda.core.train.Adam;
import org.ugda.core.train.TrainConfig;
import org.ugda.reward.config.RewardLimits;
import org.ugda.reward.config.RewardProperties;

/**
 * Resolves a train or refine request's optimizer settings over the service's defaults. The request
 * checked each field it gives; what {@link TrainConfig} refuses of the combination (a given floor
 * above the default peak) is a 400 that names it.
 */
final class TrainConfigResolver {
  private TrainConfigResolver() {}

  /**
   * The {@link TrainConfig} of a job: each setting the request gives, else the configured default
   * ({@code ugda.reward.training.*}); the seed defaults to the ensemble's. Epochs, batch size and
   * accumulation past their limits ({@code ugda.reward.limits.*}) are a 400 that names the key.
   */
  static TrainConfig resolve(
      TrainingSettings s, RewardProperties.Training d, long defaultSeed, RewardLimits limits) {
    TrainingSettings t = s == null ? TrainingSettings.DEFAULTS : s;
    int epochs = t.epochs() == null ? d.epochs() : t.epochs();
    int batch = t.batchSize() == null ? d.batchSize() : t.batchSize();
    int acc = t.accumulation() == null ? d.accumulation() : t.accumulation();
    double lr = t.learningRate() == null ? d.learningRate() : t.learningRate();
    double floor =
        t.floorLearningRate() == null ? Math.min(lr, d.floorLearningRate()) : t.floorLearningRate();
    double warm = t.warmupFraction() == null ? d.warmupFraction() : t.warmupFraction();
    double wd = t.weightDecay() == null ? d.weightDecay() : t.weightDecay();
    double clip = t.clipNorm() == null ? d.clipNorm() : t.clipNorm();
    long seed = t.seed() == null ? defaultSeed : t.seed();
    RewardLimits.atMost("training.epochs", epochs, limits.maxEpochs(), "max-epochs");
    RewardLimits.atMost(
        "training.batchSize", batch, limits.maxTrainingBatchSize(), "max-training-batch-size");
    RewardLimits.atMost("training.accumulation", acc, limits.maxAccumulation(), "max-accumulation");
    if (floor > lr) {
      throw new IllegalArgumentException(
          "training.floorLearningRate "
              + floor
              + " is above the learning rate "
              + lr
              + (t.learningRate() == null ? " (ugda.reward.training.learning-rate)" : "")
              + "; lower it or give a larger learningRate");
    }
    try {
      return new TrainConfig(
          epochs, batch, acc, lr, floor, warm, wd, clip, Adam.Hyper.paper(), seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("training: " + e.getMessage());
    }
  }
}
