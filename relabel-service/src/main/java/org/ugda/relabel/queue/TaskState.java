package org.ugda.relabel.queue;

/**
 * Where a task of the human queue stands, as stored in {@code relabel.task.state} (the CHECK
 * constraint of migration V2 lists the same names).
 */
enum TaskState {
  /** Anyone may claim it. */
  OPEN,
  /** A labeller holds it until its lease passes (then it counts as open again). */
  CLAIMED,
  /** Labelled. */
  DONE,
  /** Its job was cancelled before it was labelled; never handed out again. */
  WITHDRAWN
}
