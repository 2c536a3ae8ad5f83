package org.ugda.relabel.job;

/**
 * Where an item of a job stands, as stored in {@code relabel.item.state} (the CHECK constraint of
 * migration V2 lists the same names).
 */
enum ItemState {
  /** No expert has finished it yet. */
  PENDING,
  /** It has its original label. */
  LABELLED,
  /** A task for it waits in the human queue. */
  AWAITING_HUMAN,
  /** The expert gave up on it (see the job's errors); a resume sends it back to {@code PENDING}. */
  FAILED,
  /** Its job was cancelled before it had a label; never worked on again. */
  CANCELLED
}
