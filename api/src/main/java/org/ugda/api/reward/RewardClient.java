package org.ugda.api.reward;

import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.ugda.api.job.Jobs;

/**
 * Declarative client of the reward service ({@code @ImportHttpServices(group = "reward", types =
 * RewardClient.class)} and {@code spring.http.serviceclient.reward.base-url}). Errors arrive as
 * problem+json: 400 invalid input, 404 unknown ensemble/version/job, 409 conflicting state, 413 too
 * many items. A job-creating POST takes an optional {@value Jobs#IDEMPOTENCY_KEY}: a retry with the
 * same key and body returns the job the first one created.
 */
@HttpExchange("/v1")
public interface RewardClient {

  @PostExchange("/ensembles")
  Ensemble create(@RequestBody CreateEnsemble request);

  @PostExchange("/ensembles/import")
  Ensemble importEnsemble(@RequestBody ImportEnsemble request);

  @GetExchange("/ensembles")
  List<Ensemble> ensembles();

  @GetExchange("/ensembles/{id}")
  Ensemble ensemble(@PathVariable UUID id);

  @GetExchange("/ensembles/{id}/versions")
  List<EnsembleVersion> versions(@PathVariable UUID id);

  @PostExchange("/ensembles/{id}/score")
  ScoreResponse score(@PathVariable UUID id, @RequestBody ScoreRequest request);

  @PostExchange("/ensembles/{id}/train")
  Job train(
      @PathVariable UUID id,
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody TrainRequest request);

  @PostExchange("/ensembles/{id}/refine")
  Job refine(
      @PathVariable UUID id,
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String key,
      @RequestBody RefineRequest request);

  @PostExchange("/ensembles/{id}/evaluate")
  AccuracyReport evaluate(@PathVariable UUID id, @RequestBody EvaluateRequest request);

  @GetExchange("/jobs" + Jobs.JOB)
  Job job(@PathVariable UUID jobId);

  @PostExchange("/jobs" + Jobs.CANCEL)
  Job cancel(@PathVariable UUID jobId);

  @PostExchange("/jobs" + Jobs.RESUME)
  Job resume(@PathVariable UUID jobId);
}
