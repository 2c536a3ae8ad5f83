package org.ugda.core.ppo;

/**
 * The PPO update's settings, with the defaults of classic TRL and the paper (DESIGN.md section 3,
 * step 2).
 *
 * @param gamma GAE discount (1)
 * @param lambda GAE lambda (0.95)
 * @param klEstimator per-token KL estimate (k1)
 * @param clipRange policy ratio clip (0.2)
 * @param clipRangeValue value clip around the rollout's values (0.2)
 * @param valueCoef weight of the value loss in the total loss (0.1)
 * @param ppoEpochs passes over each rollout batch (4)
 * @param minibatchSize rows per optimizer step (the batch is cut in order, or shuffled per epoch)
 * @param shuffle draw a fresh minibatch order each PPO epoch (TRL does), from {@code seed}
 * @param maxGradNorm global-norm gradient clipping; 0 = off
 * @param seed minibatch order
 */
public record PpoConfig(
    double gamma,
    double lambda,
    KlEstimator klEstimator,
    double clipRange,
    double clipRangeValue,
    double valueCoef,
    int ppoEpochs,
    int minibatchSize,
    boolean shuffle,
    double maxGradNorm,
    long seed) {

  public PpoConfig {
    if (!(gamma >= 0 && gamma <= 1) || !(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException(
          "gamma and lambda must be in [0, 1], got " + gamma + " and " + lambda);
    }
    if (!(clipRange > 0) || !(clipRangeValue > 0) || !(valueCoef >= 0)) {
      throw new IllegalArgumentException(
          "clip ranges must be > 0 and the value coefficient >= 0, got "
              + clipRange
              + ", "
              + clipRangeValue
              + ", "
              + valueCoef);
    }
    if (ppoEpochs < 1 || minibatchSize < 1) {
      throw new IllegalArgumentException(
          "ppoEpochs and minibatchSize must be >= 1, got " + ppoEpochs + " and " + minibatchSize);
    }
    if (!(maxGradNorm >= 0)) {
      throw new IllegalArgumentException("maxGradNorm must be >= 0 (0 = off), got " + maxGradNorm);
    }
    if (klEstimator == null) {
      throw new IllegalArgumentException("klEstimator is required (K1 or K3)");
    }
  }

  /** Classic TRL defaults: gamma 1, lambda 0.95, k1, clips 0.2, value coef 0.1, 4 epochs. */
  public static PpoConfig classic(int minibatchSize, long seed) {
    return new PpoConfig(
        1.0, 0.95, KlEstimator.K1, 0.2, 0.2, 0.1, 4, minibatchSize, true, 1.0, seed);
  }

  public PpoConfig withEpochs(int epochs) {
    return new PpoConfig(
        gamma,
        lambda,
        klEstimator,
        clipRange,
        clipRangeValue,
        valueCoef,
        epochs,
        minibatchSize,
        shuffle,
        maxGradNorm,
        seed);
  }

  public PpoConfig withShuffle(boolean s) {
    return new PpoConfig(
        gamma,
        lambda,
        klEstimator,
        clipRange,
        clipRangeValue,
        valueCoef,
        ppoEpochs,
        minibatchSize,
        s,
        maxGradNorm,
        seed);
  }

  public PpoConfig withMaxGradNorm(double n) {
    return new PpoConfig(
        gamma,
        lambda,
        klEstimator,
        clipRange,
        clipRangeValue,
        valueCoef,
        ppoEpochs,
        minibatchSize,
        shuffle,
        n,
        seed);
  }
}
