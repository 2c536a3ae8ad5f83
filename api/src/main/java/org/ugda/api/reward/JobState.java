package org.ugda.api.reward;

/** Life of an asynchronous job. {@code INTERRUPTED}: a restart stopped it; it can be resumed. */
public enum JobState {
  QUEUED,
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  INTERRUPTED
}
