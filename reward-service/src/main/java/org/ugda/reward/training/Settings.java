package org.ugda.reward.training;

import org.ugda.api.reward.TrainingSettings;
import org.ugda.core.train.Adam;
import org.ugda.core.train.TrainConfig;
import org.ugda.reward.config.RewardProperties;

/**
 * A request's optimizer settings over the service defaults, checked with messages that say what to
 * fix.
 */
final class Settings {
  private Settings() {}

  static TrainConfig of(TrainingSettings s, RewardProperties.Training d, long defaultSeed) {
    TrainingSettings t =
        s == null ? new TrainingSettings(null, null, null, null, null, null, null, null, null) : s;
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
    if (epochs < 1 || epochs > 100) {
      throw new IllegalArgumentException("training.epochs must be 1..100, got " + epochs);
    }
    if (batch < 1 || batch > 512 || acc < 1 || acc > 1024) {
      throw new IllegalArgumentException(
          "training.batchSize must be 1..512 and accumulation 1..1024");
    }
    if (!(lr > 0 && lr <= 1) || !(floor >= 0 && floor <= lr)) {
      throw new IllegalArgumentException(
          "training.learningRate must be in (0, 1] and floorLearningRate in [0, learningRate]");
    }
    try {
      return new TrainConfig(
          epochs, batch, acc, lr, floor, warm, wd, clip, Adam.Hyper.paper(), seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("training: " + e.getMessage());
    }
  }
}
