package org.ugda.api.relabel;

/** Where a relabel job stands. */
public enum JobState {
  /** An instance is labelling its items (the state a new job starts in). */
  RUNNING,
  /** The automatic experts are done; some items wait in the human queue. */
  AWAITING_HUMANS,
  /** Every item has a label. */
  COMPLETED,
  /** Stopped with items unlabelled (see the errors); {@code POST .../resume} retries them. */
  FAILED,
  /** Stopped by a restart or a lost instance; {@code POST .../resume} carries on. */
  INTERRUPTED
}
