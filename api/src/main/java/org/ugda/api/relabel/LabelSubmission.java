package org.ugda.api.relabel;

import java.util.Objects;
import java.util.UUID;

/**
 * Body of {@code POST /v1/relabel/tasks/{taskId}/labels}: a person's score for a claimed task.
 *
 * @param claimId the claim the task was handed out with
 * @param labeller who labels; must be the claim's holder
 * @param score 1..5 (see {@link Scores})
 * @param comment optional, at most 2000 characters
 */
public record LabelSubmission(UUID claimId, String labeller, Integer score, String comment) {

  public LabelSubmission {
    Objects.requireNonNull(
        claimId, "claimId is required: submit the claimId the task was claimed with");
    Scores.requireText(labeller, "labeller", 100);
    Scores.require(score);
    Scores.requireLength(comment, "comment", 2000);
  }
}
