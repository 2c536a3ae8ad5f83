package org.ugda.api.relabel;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A relabel job as {@code GET /v1/relabel/jobs/{id}} shows it.
 *
 * @param id the job's id
 * @param expert the expert's wire name (see {@link Expert})
 * @param state where it stands
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
}
