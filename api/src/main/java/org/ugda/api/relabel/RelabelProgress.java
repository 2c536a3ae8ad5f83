package org.ugda.api.relabel;

/**
 * How far a job's items have come; the four states add up to {@code total}.
 *
 * @param total items in the job
 * @param labelled items with a label
 * @param awaitingHuman items in the human queue
 * @param pending items no expert has finished yet
 * @param failed items an expert gave up on (see the job's errors; resumable)
 */
public record RelabelProgress(int total, int labelled, int awaitingHuman, int pending, int failed) {

  public RelabelProgress {
    if (total < 0
        || labelled < 0
        || awaitingHuman < 0
        || pending < 0
        || failed < 0
        || labelled + awaitingHuman + pending + failed != total) {
      throw new IllegalArgumentException(
          "progress counts must be non-negative and add up to total: "
              + total
              + " != "
              + labelled
              + " + "
              + awaitingHuman
              + " + "
              + pending
              + " + "
              + failed);
    }
  }
}
