package org.ugda.gateway.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.ugda.api.job.JobState;

/**
 * A pipeline run as {@code GET /api/runs/{runId}} shows it: the shared job states, the request with
 * its defaults resolved, every step, and once evaluated the results.
 *
 * @param currentStep the step running now (or the one that failed, was cancelled or interrupted)
 * @param results the evaluate step's figures: {@code policy} (gold reward mean, variance and count
 *     per subtask of the final policy), {@code sft} (the same of the SFT model), {@code accuracy}
 *     (reward-model accuracy on held-out pairs per ensemble version), {@code relabelled}
 */
public record PipelineRun(
    UUID id,
    String name,
    Method method,
    JobState state,
    String currentStep,
    PipelineRequest request,
    List<Step> steps,
    Map<String, Object> results,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {

  /**
   * One step of a run.
   *
   * @param state {@code PENDING}, {@code RUNNING}, {@code SUCCEEDED}, {@code FAILED}, {@code
   *     CANCELLED}
   * @param outputs the ids of what the step created in the services and its figures ({@link Steps}
   *     names the keys)
   * @param progress while it runs: what the service reports (step of steps, items labelled, ...)
   * @param reusedFrom the earlier run whose identical finished step this one took over, if any
   */
  public record Step(
      int ordinal,
      String name,
      String state,
      Map<String, Object> outputs,
      Map<String, Object> progress,
      UUID reusedFrom,
      String error,
      Instant startedAt,
      Instant finishedAt) {}
}
