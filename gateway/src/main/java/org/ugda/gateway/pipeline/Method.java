package org.ugda.gateway.pipeline;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import org.ugda.api.check.WireNames;
import org.ugda.api.policy.Shaping;
import org.ugda.api.selection.Strategy;

/**
 * The methods of the paper's section 5.1: what a pipeline run trains, selects and evaluates. Wire
 * names are lower case with dashes ({@code ugda-ra}).
 */
public enum Method {
  /** The SFT model itself: evaluated, nothing trained. */
  SFT(null, null, false),
  /**
   * PPO against one reward model (member 0 of the ensemble); with a budget, refined on a random
   * one.
   */
  PPO(Shaping.SINGLE, Strategy.RANDOM, false),
  /** PPO against the ensemble's lower confidence bound; with a budget, refined on a random one. */
  LCB(Shaping.LCB, Strategy.RANDOM, false),
  /** PPO against the uncertainty-weighted ensemble; with a budget, refined on a random one. */
  UWO(Shaping.UWO, Strategy.RANDOM, false),
  /** Random relabelling: a random share of the log relabelled, the ensemble refined, PPO again. */
  RLR(Shaping.MEAN, Strategy.RANDOM, true),
  /** UGDA: uncertainty filter, then Adam influence. */
  UGDA(Shaping.MEAN, Strategy.UGDA, true),
  /** UGDA-RA: UGDA's pipeline with a random selection. */
  UGDA_RA(Shaping.MEAN, Strategy.RANDOM, true),
  /** UGDA-UN: the most uncertain samples only. */
  UGDA_UN(Shaping.MEAN, Strategy.UNCERTAINTY, true),
  /** UGDA-GR: the most influential samples of the whole log. */
  UGDA_GR(Shaping.MEAN, Strategy.GRADIENT, true);

  private final Shaping shaping;
  private final Strategy strategy;
  private final boolean needsBudget;

  Method(Shaping shaping, Strategy strategy, boolean needsBudget) {
    this.shaping = shaping;
    this.strategy = strategy;
    this.needsBudget = needsBudget;
  }

  /** How the PPO runs shape the ensemble's rewards; null for {@link #SFT}. */
  public Shaping shaping() {
    return shaping;
  }

  /** Which samples are relabelled when the budget is positive; null for {@link #SFT}. */
  public Strategy strategy() {
    return strategy;
  }

  /**
   * Whether the method is defined only with a positive relabel budget (RLR and the UGDA family).
   */
  public boolean needsBudget() {
    return needsBudget;
  }

  /** The steps of a run of this method with the given relabel budget, in order. */
  public List<String> steps(double budget) {
    if (this == SFT) {
      return List.of(Steps.EVALUATE);
    }
    if (budget == 0) {
      return List.of(Steps.ENSEMBLE, Steps.PPO, Steps.EVALUATE);
    }
    return List.of(
        Steps.ENSEMBLE,
        Steps.PPO,
        Steps.SELECT,
        Steps.RELABEL,
        Steps.REFINE,
        Steps.PPO_REFINED,
        Steps.EVALUATE);
  }

  @JsonValue
  public String wire() {
    return WireNames.of(this);
  }

  @JsonCreator
  public static Method of(String s) {
    return WireNames.parse(Method.class, s, "method");
  }
}
