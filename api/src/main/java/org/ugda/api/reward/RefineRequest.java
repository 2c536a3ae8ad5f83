package org.ugda.api.reward;

import java.util.List;

/**
 * Refines every member (Eq. 13-14) from {@code fromVersion} (null: the latest): label j maps to the
 * (20 j)-th percentile of each member's rewards over the interaction log, plus Gaussian noise with
 * standard deviation {@code sigma} (default 0.1), and each member regresses on its own targets with
 * MSE.
 *
 * <p>The log's reward distribution comes from exactly one of: {@code logRewards} (per member, as
 * logged), {@code logSamples} (scored here by {@code fromVersion}), or {@code runId} (fetched from
 * policy-service).
 */
public record RefineRequest(
    Integer fromVersion,
    List<LabelledSample> labels,
    List<List<Double>> logRewards,
    List<ScoreItem> logSamples,
    String runId,
    Double sigma,
    Long seed,
    TrainingSettings training) {
  public RefineRequest {
    labels = labels == null ? null : List.copyOf(labels);
    logRewards =
        logRewards == null
            ? null
            : logRewards.stream().map(l -> l == null ? null : List.copyOf(l)).toList();
    logSamples = logSamples == null ? null : List.copyOf(logSamples);
  }
}
