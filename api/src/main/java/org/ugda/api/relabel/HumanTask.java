package org.ugda.api.relabel;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A claimed task of the human queue: what to label, and the claim that lets one submit it.
 *
 * @param taskId the task
 * @param claimId this claim; send it back with the label (a second submit with it is a no-op)
 * @param jobId the job the item belongs to
 * @param ordinal the item's position in its job
 * @param externalId the item's external id, if any
 * @param prompt the dialogue so far
 * @param response the response to score
 * @param reason why a person is asked (e.g. the LLM's answer was not usable)
 * @param labeller who holds the claim
 * @param leaseExpiresAt when the claim lapses and the task goes back to the queue
 * @param jobProgress the job's progress
 */
public record HumanTask(
    UUID taskId,
    UUID claimId,
    UUID jobId,
    int ordinal,
    String externalId,
    String prompt,
    String response,
    String reason,
    String labeller,
    Instant leaseExpiresAt,
    RelabelProgress jobProgress) {

  public HumanTask {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(claimId, "claimId");
    Objects.requireNonNull(jobId, "jobId");
    if (ordinal < 0) {
      throw new IllegalArgumentException("ordinal must be a position in the job (>= 0)");
    }
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(response, "response");
    Objects.requireNonNull(labeller, "labeller");
    Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
  }
}
