package org.ugda.api.reward;

/**
 * What a reward-service job does. On the wire and in the job table a kind is its name ({@code
 * TRAIN}, {@code REFINE}), as a {@link org.ugda.api.job.JobState} is.
 */
public enum JobKind {
  /**
   * Trains every member with the Bradley-Terry loss (Eq. 1); started by {@code POST
   * /v1/ensembles/{id}/train} with a {@link TrainRequest}.
   */
  TRAIN,
  /**
   * Refines every member on quantile targets from expert labels (Eq. 13-14); started by {@code POST
   * /v1/ensembles/{id}/refine} with a {@link RefineRequest}.
   */
  REFINE
}
