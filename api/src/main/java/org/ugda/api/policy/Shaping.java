package org.ugda.api.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a sample's ensemble rewards become the one score PPO maximises (DESIGN.md section 3, step 2).
 * Variances are the population variance over members, (1/k) sum (r_i - mean)^2, the one
 * reward-service reports (Eq. 8); Coste et al. use torch's sample variance (1/(k-1)), which is the
 * same penalty at a lambda larger by k/(k-1).
 */
public enum Shaping {
  /** The ensemble mean (UGDA). */
  MEAN,
  /** mean - lambda * std (lower confidence bound). */
  LCB,
  /** mean - lambda * variance (uncertainty-weighted optimisation, Coste et al.; lambda 0.1). */
  UWO,
  /** One member's reward: the plain PPO baseline with one reward model. */
  SINGLE,
  /** The benchmark world's gold reward, for sanity runs only (world prompts only). */
  GOLD;

  @JsonValue
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Shaping of(String s) {
    for (Shaping v : values()) {
      if (v.wire().equalsIgnoreCase(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "shaping must be one of "
            + Arrays.stream(values()).map(Shaping::wire).toList()
            + ", got '"
            + s
            + "'");
  }

  /** lambda where none is given: 1 for lcb, 0.1 for uwo (Coste et al.), 0 otherwise. */
  public double defaultLambda() {
    return switch (this) {
      case LCB -> 1.0;
      case UWO -> 0.1;
      default -> 0.0;
    };
  }

  /**
   * The score of one sample, the one definition of every shaping: from the members' mean and
   * population variance (core's {@code EnsembleStats}) and, for {@code single}, the chosen member's
   * own reward.
   */
  public double apply(double mean, double variance, double memberReward, double lambda) {
    return switch (this) {
      case MEAN, GOLD -> mean;
      case LCB -> mean - lambda * Math.sqrt(variance);
      case UWO -> mean - lambda * variance;
      case SINGLE -> memberReward;
    };
  }
}
