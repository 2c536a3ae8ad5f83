package org.ugda.api.policy;

import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.ugda.api.binary.FloatMatrices;
import org.ugda.api.job.Jobs;

/**
 * Declarative client of the policy service ({@code @ImportHttpServices(group = "policy", types =
 * PolicyClient.class)} and {@code spring.http.serviceclient.policy.base-url}). Errors arrive as
 * problem+json.
 */
@HttpExchange("/v1")
public interface PolicyClient {

  /**
   * Every member's reward of each sample a run logged, as scored by {@code version} of {@code
   * ensemble}: {@code GET /v1/runs/{runId}/rewards?ensemble=...&version=...}.
   */
  @GetExchange("/runs/{runId}/rewards")
  RunRewards runRewards(
      @PathVariable String runId,
      @RequestParam("ensemble") UUID ensemble,
      @RequestParam("version") int version);

  /**
   * One page of a run's rollout log, oldest first: {@code GET
   * /v1/runs/{runId}/rollouts?after=&limit=&fromStep=&toStep=&subtask=}. Every argument but {@code
   * runId} may be null (left out of the request): {@code after} is the previous page's {@link
   * RolloutPage#next()}, {@code limit} 1-1000 (default 100), the step range inclusive.
   */
  @GetExchange("/runs/{runId}/rollouts")
  RolloutPage rollouts(
      @PathVariable UUID runId,
      @RequestParam(name = "after", required = false) String after,
      @RequestParam(name = "limit", required = false) Integer limit,
      @RequestParam(name = "fromStep", required = false) Integer fromStep,
      @RequestParam(name = "toStep", required = false) Integer toStep,
      @RequestParam(name = "subtask", required = false) String subtask);

  /** A run, its state and the size of its log: {@code GET /v1/runs/{runId}}. */
  @GetExchange("/runs/{runId}")
  RunView run(@PathVariable UUID runId);

  /** A run's checkpoints, one per finished epoch: {@code GET /v1/runs/{runId}/checkpoints}. */
  @GetExchange("/runs/{runId}/checkpoints")
  List<CheckpointView> checkpoints(@PathVariable UUID runId);

  /**
   * Gradient features at a checkpoint: {@code POST /v1/runs/{runId}/checkpoints/{epoch}/features},
   * answered as a {@link org.ugda.api.binary.FloatMatrices} body [samples, d] (read it with {@code
   * FloatMatrices.fromBytes}); one request holds at most {@link FeatureRequest#MAX_SAMPLES}.
   */
  @PostExchange(
      url = "/runs/{runId}/checkpoints/{epoch}/features",
      contentType = "application/json",
      accept = FloatMatrices.CONTENT_TYPE)
  byte[] features(
      @PathVariable UUID runId, @PathVariable int epoch, @RequestBody FeatureRequest request);

  /** One logged rollout of a run: {@code GET /v1/runs/{runId}/rollouts/{rolloutId}}. */
  @GetExchange("/runs/{runId}/rollouts/{rolloutId}")
  RolloutView rollout(@PathVariable UUID runId, @PathVariable long rolloutId);

  /**
   * Starts a PPO run ({@code POST /v1/runs}, 202); with the same {@code key} and body a retry
   * returns the run created the first time.
   */
  @PostExchange("/runs")
  RunView createRun(
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody CreateRun request);

  /** Cancels a queued or running run: {@code POST /v1/runs/{runId}/cancel}. */
  @PostExchange("/runs/{runId}/cancel")
  RunView cancelRun(@PathVariable UUID runId);

  /** Resumes an interrupted, failed or cancelled run: {@code POST /v1/runs/{runId}/resume}. */
  @PostExchange("/runs/{runId}/resume")
  RunView resumeRun(@PathVariable UUID runId);

  /** Every finished step's figures: {@code GET /v1/runs/{runId}/steps}. */
  @GetExchange("/runs/{runId}/steps")
  List<RunStep> steps(@PathVariable UUID runId);

  /** Responses of the base model or of a run's checkpoint: {@code POST /v1/generate}. */
  @PostExchange("/generate")
  GenerateResponse generate(@RequestBody GenerateRequest request);
}
