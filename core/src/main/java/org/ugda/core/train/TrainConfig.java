package org.ugda.core.train;

/**
 * Settings of a training run.
 *
 * @param epochs passes over the examples (paper: 2)
 * @param batchSize examples per micro-batch (paper: reward 4, policy 2)
 * @param accumulation micro-batches per optimizer step, the loss averaged over them (paper: 8)
 * @param peakLr learning rate after warm-up (paper: 1e-6; the tiny world's models need ~1e-3)
 * @param floorLr the cosine schedule's end (paper: 1e-7)
 * @param warmupFraction share of optimizer steps spent warming up linearly
 * @param weightDecay AdamW's decoupled decay (0 = Adam)
 * @param clipNorm global gradient-norm clip (0 = off)
 * @param adam betas and epsilon (paper: 0.9, 0.95)
 * @param seed data order
 */
public record TrainConfig(
    int epochs,
    int batchSize,
    int accumulation,
    double peakLr,
    double floorLr,
    double warmupFraction,
    double weightDecay,
    double clipNorm,
    Adam.Hyper adam,
    long seed) {

  public TrainConfig {
    if (epochs <= 0 || batchSize <= 0 || accumulation <= 0) {
      throw new IllegalArgumentException(
          "epochs, batchSize and accumulation must be positive, got "
              + epochs
              + ", "
              + batchSize
              + ", "
              + accumulation);
    }
    if (!(peakLr > 0) || floorLr < 0 || floorLr > peakLr) {
      throw new IllegalArgumentException(
          "need 0 <= floorLr <= peakLr and peakLr > 0, got " + peakLr + ", " + floorLr);
    }
    if (!(warmupFraction >= 0 && warmupFraction < 1)) {
      throw new IllegalArgumentException("warmupFraction must be in [0, 1), got " + warmupFraction);
    }
    if (weightDecay < 0 || clipNorm < 0) {
      throw new IllegalArgumentException("weightDecay and clipNorm must be >= 0");
    }
    if (adam == null) {
      throw new IllegalArgumentException("adam hyper-parameters are required");
    }
  }

  public TrainConfig withSeed(long s) {
    return new TrainConfig(
        epochs,
        batchSize,
        accumulation,
        peakLr,
        floorLr,
        warmupFraction,
        weightDecay,
        clipNorm,
        adam,
        s);
  }

  /** Optimizer steps for {@code examples} examples. */
  public int steps(int examples) {
    int micro = (examples + batchSize - 1) / batchSize;
    return Math.max(1, micro / accumulation) * epochs;
  }
}
