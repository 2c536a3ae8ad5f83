package org.ugda.api.relabel;

/**
 * How far a job's items have come; the five states add up to {@code total}.
 *
 * @param total items in the job
 * @param labelled items with a label
 * @param awaitingHuman items in the human queue
 * @param pending items no expert has finished yet
 * @param failed items an expert gave up on (see the job's errors; resumable)
 * @param cancelled items left unlabelled by a cancel of the job (pending or in the human queue when
 *     it was cancelled); never worked on again
 */
public record RelabelProgress(
    int total, int labelled, int awaitingHuman, int pending, int failed, int cancelled) {

  public RelabelProgress {
    if (total < 0
        || labelled < 0
        || awaitingHuman < 0
        || pending < 0
        || failed < 0
        || cancelled < 0
        || labelled + awaitingHuman + pending + failed + cancelled != total) {
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
              + failed
              + " + "
              + cancelled);
    }
  }
}
