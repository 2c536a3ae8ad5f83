package org.ugda.gateway.pipeline;

import org.ugda.api.check.RequestChecks;
import org.ugda.api.policy.FeatureRequest;
import org.ugda.api.policy.PpoSettings;
import org.ugda.api.reward.LoraSpec;
import org.ugda.api.reward.TrainingSettings;
import org.ugda.api.selection.Aggregation;
import org.ugda.api.selection.InfluenceForm;

/**
 * {@code POST /api/runs}: one run of Algorithm 1 (or a baseline) in the benchmark world, through
 * the services. Null fields take their defaults: DESIGN.md section 3 (the paper's), scaled to the
 * world by the preset.
 *
 * @param name shown on the dashboard; default {@code <method>-<seed>}
 * @param method the method of section 5.1 ({@code ugda}, {@code ppo}, ...)
 * @param budget the share of the first PPO run's log the expert relabels, in [0, 1]; default 0.25;
 *     RLR and the UGDA family need a positive one
 * @param seed of the ensemble, the PPO runs, the selection and the expert; default 0
 * @param expert {@code simulated} (the world's simulated expert, default), {@code llm} (the LLM
 *     judge) or {@code human} (the queue; the run waits until every task is labelled)
 * @param preset {@code tiny} (seconds per step: tests) or {@code default} (the demo's sizes)
 * @param trainPairs HH JSONL under the storage root the ensemble trains on; default {@code
 *     world/pairs-train.jsonl} ({@code world/pairs-train-flipped.jsonl} style files for the noisy
 *     setting)
 * @param testPairs held-out pairs for reward-model accuracy; default {@code world/pairs-test.jsonl}
 * @param prompts how many of the world's PPO prompts each PPO run uses
 * @param evalPrompts how many of the world's held-out prompts the final policy answers
 * @param ensemble the reward ensemble
 * @param ppo every PPO setting (policy-service's)
 * @param selection the selection's settings
 * @param refine the refinement's settings
 * @param reuse whether a step may take over an identical finished step of an earlier run (default
 *     true); false computes every step afresh, which is how a run is checked to be reproducible
 * @param judge whether a last step, {@code judge}, has the LLM judge (relabel-service's {@code
 *     openai} expert) score every evaluation answer of the final policy 1-5 (default false); the
 *     experiments compare those scores prompt by prompt
 * @param tags free labels (at most 16, keys {@code [a-z0-9_-]}, 1-64 characters, values up to 200)
 *     that group runs: {@code ./ugda experiments} tags its cells {@code experiment}, {@code noise},
 *     {@code sweep}; they do not enter any step's fingerprint
 */
public record PipelineRequest(
    String name,
    Method method,
    Double budget,
    Long seed,
    String expert,
    String preset,
    String trainPairs,
    String testPairs,
    Integer prompts,
    Integer evalPrompts,
    EnsembleSettings ensemble,
    PpoSettings ppo,
    SelectionSettings selection,
    RefineSettings refine,
    Boolean reuse,
    Boolean judge,
    java.util.Map<String, String> tags) {

  /** The experts a run may use (relabel-service's experts: simulated, openai, human). */
  public static final java.util.List<String> EXPERTS =
      java.util.List.of("simulated", "llm", "human");

  public PipelineRequest {
    if (method == null) {
      throw new IllegalArgumentException(
          "method is required: one of sft, ppo, lcb, uwo, rlr, ugda, ugda-ra, ugda-un, ugda-gr");
    }
    if (name != null && (name.isBlank() || name.length() > 200)) {
      throw new IllegalArgumentException("name must be 1 to 200 characters");
    }
    RequestChecks.range(budget, "budget", 0, 1);
    if (method.needsBudget() && budget != null && budget == 0) {
      throw new IllegalArgumentException(
          "method " + method.wire() + " relabels part of the log: budget must be above 0");
    }
    if (expert != null && !EXPERTS.contains(expert)) {
      throw new IllegalArgumentException(
          "expert must be one of " + EXPERTS + ", got " + RequestChecks.quoted(expert));
    }
    if (preset != null && !preset.equals("tiny") && !preset.equals("default")) {
      throw new IllegalArgumentException(
          "preset must be tiny or default, got " + RequestChecks.quoted(preset));
    }
    RequestChecks.range(prompts, "prompts", 1, 20_000);
    RequestChecks.range(evalPrompts, "evalPrompts", 1, 5_000);
    if (tags != null) {
      if (tags.size() > 16) {
        throw new IllegalArgumentException("tags: at most 16, got " + tags.size());
      }
      for (var t : tags.entrySet()) {
        if (t.getKey() == null || !t.getKey().matches("[a-z0-9_-]{1,64}")) {
          throw new IllegalArgumentException(
              "tags: a key is 1 to 64 of a-z, 0-9, _ and -, got "
                  + RequestChecks.quoted(String.valueOf(t.getKey())));
        }
        if (t.getValue() == null || t.getValue().length() > 200) {
          throw new IllegalArgumentException(
              "tags: the value of " + t.getKey() + " must be a string of at most 200 characters");
        }
      }
      tags = java.util.Map.copyOf(tags);
    }
    for (String path : new String[] {trainPairs, testPairs}) {
      if (path != null && (path.isBlank() || path.length() > 1000)) {
        throw new IllegalArgumentException(
            "trainPairs and testPairs name HH JSONL files under the storage root (1 to 1000"
                + " characters); leave them out for the world's pairs");
      }
    }
  }

  /**
   * @param members ensemble size (default 3)
   * @param lora the members' adapters (default rank 8, alpha 64 on q_proj, v_proj)
   * @param training Bradley-Terry training (reward-service's defaults where null)
   */
  public record EnsembleSettings(Integer members, LoraSpec lora, TrainingSettings training) {
    public EnsembleSettings {
      RequestChecks.range(members, "ensemble.members", 2, 16);
    }
  }

  /**
   * @param gamma the uncertainty cut (Eq. 9), default 0.5
   * @param dim projection dimension, default 8192 (tiny preset 1024)
   * @param aggregation over subtasks, default mean
   * @param influence paper or less
   * @param direction adam (default), adam-less or plain
   * @param eta the influence cut (Eq. 11) instead of the budget: the kept samples are those past
   *     gamma whose influence rank fraction exceeds eta, so (1 - gamma)(1 - eta) of the log (the
   *     paper's figures 10-11 sweep it); null (default) keeps the budget's share instead
   */
  public record SelectionSettings(
      Double gamma,
      Integer dim,
      Aggregation aggregation,
      InfluenceForm influence,
      FeatureRequest.Mode direction,
      Double eta) {
    public SelectionSettings {
      RequestChecks.range(gamma, "selection.gamma", 0, 1);
      RequestChecks.range(eta, "selection.eta", 0, 1);
    }
  }

  /**
   * @param sigma the noise on the quantile targets (default 0.1)
   * @param training MSE training (reward-service's defaults where null)
   */
  public record RefineSettings(Double sigma, TrainingSettings training) {
    public RefineSettings {
      RequestChecks.range(sigma, "refine.sigma", 0, 10);
    }
  }
}
