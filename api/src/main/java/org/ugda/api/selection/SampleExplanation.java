package org.ugda.api.selection;

import java.util.List;
import java.util.Map;

/**
 * Why a selection kept or dropped one sample ({@code GET
 * /v1/selections/{jobId}/samples/{rolloutId}/explain}).
 *
 * @param sample its result row
 * @param cosines per checkpoint, its cosine with each subtask's validation gradient (Eq. 10-11);
 *     empty where the strategy took no features of it
 * @param reason the decision in words: the cut or rank that kept or dropped it
 */
public record SampleExplanation(
    SelectedSample sample, List<CheckpointCosines> cosines, String reason) {

  /** One checkpoint's cosines and its weight eta-bar_i. */
  public record CheckpointCosines(int epoch, double learningRate, Map<String, Double> cosines) {}
}
