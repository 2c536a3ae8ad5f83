package org.ugda.api.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an asynchronous job stands, in every service that runs long work (DESIGN.md section 2).
 *
 * <p>States move forward only: {@code QUEUED -> RUNNING -> (AWAITING_HUMANS ->) an end}. {@code
 * INTERRUPTED} and {@code FAILED} can be resumed ({@code POST .../{jobId}/resume}), which puts the
 * job back to {@code QUEUED} or {@code RUNNING}; {@code QUEUED}, {@code RUNNING} and {@code
 * AWAITING_HUMANS} can be cancelled ({@code POST .../{jobId}/cancel}).
 */
public enum JobState {
  /** Accepted and waiting for a worker. */
  QUEUED,
  /** A worker is on it. */
  RUNNING,
  /**
   * The automatic part is done and the rest waits for people (relabel-service's human queue); the
   * job ends by itself when the last item is labelled.
   */
  AWAITING_HUMANS,
  /** Finished; the job's result says what it made. */
  SUCCEEDED,
  /** Stopped by an error (the job says which); resumable. */
  FAILED,
  /** Stopped on request; not resumable. */
  CANCELLED,
  /** Stopped by a restart, a shutdown or a lost instance; resumable. */
  INTERRUPTED;

  private static final Set<JobState> ENDED = EnumSet.of(SUCCEEDED, FAILED, CANCELLED, INTERRUPTED);

  /** Whether nothing more happens to the job unless someone resumes it. */
  public boolean ended() {
    return ENDED.contains(this);
  }

  /** Whether {@code POST .../resume} applies. */
  public boolean resumable() {
    return this == FAILED || this == INTERRUPTED;
  }

  /** Whether {@code POST .../cancel} applies. */
  public boolean cancellable() {
    return !ended();
  }
}
