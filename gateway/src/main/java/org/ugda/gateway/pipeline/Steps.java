package org.ugda.gateway.pipeline;

/**
 * The step names of a pipeline run (Algorithm 1) and the keys of what each stores in its {@code
 * outputs}. The dashboard reads these keys; they are part of the runs API.
 */
public final class Steps {
  private Steps() {}

  /** Create the reward ensemble and train it on the world's preference pairs (Eq. 1). */
  public static final String ENSEMBLE = "ensemble";

  /** PPO from SFT against the ensemble; every rollout logged (Eq. 2, 8). */
  public static final String PPO = "ppo";

  /** The selection over the first PPO run's log (Eq. 9-12, or the method's baseline). */
  public static final String SELECT = "select";

  /** The expert labels the kept samples 1-5. */
  public static final String RELABEL = "relabel";

  /** The ensemble refined on the labels (Eq. 13-14): a new version. */
  public static final String REFINE = "refine";

  /** PPO again from SFT against the refined ensemble. */
  public static final String PPO_REFINED = "ppo-refined";

  /** Gold reward of the final policy per subtask, reward-model accuracy on held-out pairs. */
  public static final String EVALUATE = "evaluate";

  /** The LLM judge scores the final policy's evaluation answers 1-5 (with {@code judge: true}). */
  public static final String JUDGE = "judge";

  // keys of a step's outputs
  /** ensemble: the reward-service ensemble id; refine, evaluate: also there. */
  public static final String ENSEMBLE_ID = "ensembleId";

  /** ensemble: the trained version; refine: the refined version. */
  public static final String VERSION = "version";

  /** ensemble, refine: the reward-service job. */
  public static final String JOB_ID = "jobId";

  /** ppo, ppo-refined: the policy-service run. */
  public static final String POLICY_RUN_ID = "policyRunId";

  /** select: the selection-service selection. */
  public static final String SELECTION_ID = "selectionId";

  /** relabel: the relabel-service job. */
  public static final String RELABEL_JOB_ID = "relabelJobId";
}
