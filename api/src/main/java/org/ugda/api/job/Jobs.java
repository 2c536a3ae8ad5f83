package org.ugda.api.job;

/**
 * The names every service with long work uses for its jobs: the resource below a service's jobs
 * collection, the two actions on it, and the idempotency header.
 *
 * <p>A service's jobs live at {@code <collection>/{jobId}} (reward-service: {@code /v1/jobs};
 * relabel-service: {@code /v1/relabel/jobs}); {@code GET} shows the job, {@code POST .../cancel}
 * stops it (200 with the job; 409 once it has ended), {@code POST .../resume} runs an {@code
 * INTERRUPTED} or {@code FAILED} job again (202; 409 in any other state).
 */
public final class Jobs {

  /** The path variable naming a job. */
  public static final String JOB_ID = "jobId";

  /** A job below its collection. */
  public static final String JOB = "/{jobId}";

  /** Stops a job that has not ended. */
  public static final String CANCEL = "/{jobId}/cancel";

  /** Runs an interrupted or failed job again. */
  public static final String RESUME = "/{jobId}/resume";

  /**
   * Header on a {@code POST} that creates a job: a retry with the same key and the same request
   * returns the job the first one created; the same key with another request is a 409.
   */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  /** Set to {@code true} on a response that returns a job an earlier request created. */
  public static final String REPLAYED = "Idempotent-Replayed";

  private Jobs() {}
}
