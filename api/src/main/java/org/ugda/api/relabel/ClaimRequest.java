package org.ugda.api.relabel;

import java.util.UUID;

/**
 * Body of {@code POST /v1/relabel/tasks/claim}: a labeller asks for the next task.
 *
 * @param labeller who is labelling (recorded with the label); at most 100 characters
 * @param jobId only take tasks of this job; null for any job
 */
public record ClaimRequest(String labeller, UUID jobId) {

  public ClaimRequest {
    Scores.requireText(labeller, "labeller", 100);
  }
}
