package org.ugda.api.selection;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import org.ugda.api.check.WireNames;

/**
 * Which samples of a PPO run's log a selection keeps (paper section 5.1); every strategy keeps the
 * same budget.
 */
public enum Strategy {
  /** UGDA: the uncertainty filter (Eq. 9, gamma), then the most influential of what passed. */
  UGDA,
  /** UGDA-UN: the most uncertain samples only (highest ensemble variance). */
  UNCERTAINTY,
  /** UGDA-GR: the most influential samples of the whole log, no uncertainty filter. */
  GRADIENT,
  /** UGDA-RA and the RLR baseline: a seeded uniform sample of the log. */
  RANDOM;

  @JsonValue
  public String wire() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static Strategy of(String s) {
    return WireNames.parse(Strategy.class, s, "strategy");
  }

  /** Whether the strategy needs gradient features (and so checkpoints and validation sets). */
  public boolean usesInfluence() {
    return this == UGDA || this == GRADIENT;
  }
}
