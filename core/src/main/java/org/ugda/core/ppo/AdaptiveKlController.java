package org.ugda.core.ppo;

/**
 * The KL coefficient beta, fixed or adapted (Ziegler et al. 2019, TRL's {@code
 * AdaptiveKLController}): after each PPO step, {@code e = clip(kl / target - 1, -0.2, 0.2)} and
 * {@code beta *= 1 + e * n / horizon}, kl being the batch's mean summed KL and n the samples the
 * step used.
 */
public final class AdaptiveKlController {
  private final boolean adaptive;
  private final double target;
  private final double horizon;
  private double value;

  private AdaptiveKlController(boolean adaptive, double init, double target, double horizon) {
    if (!(init >= 0) || Double.isInfinite(init)) {
      throw new IllegalArgumentException("the KL coefficient must be >= 0, got " + init);
    }
    if (adaptive && (!(target > 0) || !(horizon > 0))) {
      throw new IllegalArgumentException(
          "an adaptive KL controller needs target > 0 and horizon > 0, got "
              + target
              + " and "
              + horizon);
    }
    this.adaptive = adaptive;
    this.value = init;
    this.target = target;
    this.horizon = horizon;
  }

  public static AdaptiveKlController fixed(double beta) {
    return new AdaptiveKlController(false, beta, 0, 0);
  }

  public static AdaptiveKlController adaptive(double init, double target, double horizon) {
    return new AdaptiveKlController(true, init, target, horizon);
  }

  public double value() {
    return value;
  }

  public boolean isAdaptive() {
    return adaptive;
  }

  /** The proportional error this update uses (0 for a fixed coefficient). */
  public double proportionalError(double currentKl) {
    return adaptive ? Math.max(-0.2, Math.min(0.2, currentKl / target - 1)) : 0;
  }

  /** Updates beta from the step's mean KL and its sample count; returns the new value. */
  public double update(double currentKl, long nSteps) {
    if (adaptive) {
      value *= 1 + proportionalError(currentKl) * nSteps / horizon;
    }
    return value;
  }

  /** Restores the value a resumed run had reached. */
  public void restore(double v) {
    this.value = v;
  }
}
