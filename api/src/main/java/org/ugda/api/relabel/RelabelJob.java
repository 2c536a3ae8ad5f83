package org.ugda.api.relabel;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.ugda.api.job.JobState;

/**
 * A relabel job as {@code GET /v1/relabel/jobs/{jobId}} shows it.
 *
 * @param id the job's id
 * @param expert the expert's wire name (see {@link Expert})
 * @param state where it stands, in the vocabulary every service shares: {@code RUNNING} while its
 *     items are given to the expert, {@code AWAITING_HUMANS} while only the human queue has items
 *     left, {@code SUCCEEDED} once every item is labelled, {@code FAILED} with items unlabelled
 *     (resumable), {@code INTERRUPTED} by a restart (resumable), {@code CANCELLED} on request
 *     (labels given before stay; never resumed). A relabel job is never {@code QUEUED}: it runs as
 *     soon as it is accepted
 * @param rubricVersion the version of the rubric every label of this job is given under
 * @param model the LLM model for {@code openai} experts, else null
 * @param progress item counts by state
 * @param errorCount how many errors were recorded in all
 * @param errors the most recent errors, newest first (at most 50)
 * @param message a sentence about the current state (why it failed or was interrupted), or null
 * @param createdAt when it was accepted
 * @param updatedAt when its state last changed
 */
public record RelabelJob(
    UUID id,
    String expert,
    JobState state,
    String rubricVersion,
    String model,
    RelabelProgress progress,
    int errorCount,
    List<RelabelJobError> errors,
    String message,
    Instant createdAt,
    Instant updatedAt) {

  public RelabelJob {
    Objects.requireNonNull(id, "id");
    Expert.parse(expert);
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(rubricVersion, "rubricVersion");
    Objects.requireNonNull(progress, "progress");
    errors = List.copyOf(errors == null ? List.of() : errors);
  }

  /** The expert as an enum. */
  public Expert expertKind() {
    return Expert.parse(expert);
  }
}
