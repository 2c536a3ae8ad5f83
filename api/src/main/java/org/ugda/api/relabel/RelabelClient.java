package org.ugda.api.relabel;

import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;
import org.ugda.api.job.Jobs;

/**
 * Declarative client of the relabel service. Register it with {@code @ImportHttpServices(group =
 * "relabel", types = RelabelClient.class)} and {@code spring.http.serviceclient.relabel.base-url}.
 * Errors arrive as problem+json (400 invalid input, 404 unknown job/task/label, 409 conflicting
 * state, 413 too large), with the titles every UGDA service uses. Job states and the job paths
 * ({@code /{jobId}}, {@code /{jobId}/resume}, {@code /{jobId}/cancel}) are the shared ones of
 * {@link org.ugda.api.job}.
 */
@HttpExchange("/v1/relabel")
public interface RelabelClient {

  /**
   * Starts a job (202). With the same {@code idempotencyKey} ({@value Jobs#IDEMPOTENCY_KEY}) and
   * body, a retry returns the job created the first time (header {@value Jobs#REPLAYED}: {@code
   * true}); the same key with another body is a 409.
   */
  @PostExchange("/jobs")
  RelabelJob createJob(
      @RequestHeader(name = Jobs.IDEMPOTENCY_KEY, required = false) String idempotencyKey,
      @RequestBody CreateRelabelJob request);

  /** The job, its progress and its recent errors. */
  @GetExchange("/jobs" + Jobs.JOB)
  RelabelJob job(@PathVariable(Jobs.JOB_ID) UUID jobId);

  /** Carries on an {@code INTERRUPTED} or {@code FAILED} job (202); 409 in any other state. */
  @PostExchange("/jobs" + Jobs.RESUME)
  RelabelJob resume(@PathVariable(Jobs.JOB_ID) UUID jobId);

  /**
   * Stops a {@code RUNNING} or {@code AWAITING_HUMANS} job (200 with the job, now {@code
   * CANCELLED}): its items not yet labelled are not worked on any more, its open human tasks are
   * withdrawn from the queue, the labels already given stay. 409 once the job has ended; a
   * cancelled job is never resumed.
   */
  @PostExchange("/jobs" + Jobs.CANCEL)
  RelabelJob cancel(@PathVariable(Jobs.JOB_ID) UUID jobId);

  /**
   * The current label of every labelled item of a job (corrections replace what they supersede).
   */
  @GetExchange("/jobs" + Jobs.JOB + "/labels")
  List<Label> labels(@PathVariable(Jobs.JOB_ID) UUID jobId);

  /**
   * Claims the next open task (200), or 204 when the queue is empty; 409 when {@code jobId} names a
   * cancelled job (its tasks were withdrawn).
   */
  @PostExchange("/tasks/claim")
  ResponseEntity<HumanTask> claim(@RequestBody ClaimRequest request);

  /**
   * Stores a person's label for a claimed task (201); the same claim again returns that label
   * (200). A task withdrawn because its job was cancelled is a 409.
   */
  @PostExchange("/tasks/{taskId}/labels")
  Label submit(@PathVariable UUID taskId, @RequestBody LabelSubmission submission);

  /** Stores a correction that supersedes {@code labelId} (201). */
  @PostExchange("/labels/{labelId}/corrections")
  Label correct(@PathVariable UUID labelId, @RequestBody LabelCorrection correction);

  /** Agreement between two experts' labels of the same items, optionally within one job. */
  @GetExchange("/agreement")
  AgreementReport agreement(
      @RequestParam("expertA") String expertA,
      @RequestParam("expertB") String expertB,
      @RequestParam(name = "jobId", required = false) UUID jobId);
}
