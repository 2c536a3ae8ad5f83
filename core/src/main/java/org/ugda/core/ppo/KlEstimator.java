package org.ugda.core.ppo;

/**
 * How the per-token KL to the reference is estimated from the two log-probabilities of the sampled
 * token (Schulman's estimators; TRL's {@code kl_penalty} "kl" and "full"-free "k3" variant).
 */
public enum KlEstimator {
  /** log pi(a) - log ref(a): unbiased, may be negative per token (TRL's default "kl"). */
  K1,
  /** (ref/pi - 1) - log(ref/pi): unbiased and never negative, lower variance. */
  K3;

  public double of(double logp, double refLogp) {
    double d = refLogp - logp;
    return this == K1 ? -d : Math.expm1(d) - d;
  }
}
