package org.ugda.reward.job;

import java.util.Map;
import java.util.UUID;
import org.ugda.api.reward.JobKind;

/**
 * The work of one job kind, on its own request type: checked eagerly, then run on the service's one
 * job worker.
 *
 * @param <R> the request a job of this kind is started with
 */
public interface JobRunner<R> {

  JobKind kind();

  /** The request type, to restore a stored request when a job is resumed. */
  Class<R> requestType();

  /**
   * Checks a request against what the service holds (the ensemble and version, the base's
   * tokenizer, configured limits) before any row is written, and returns the request to run. The
   * request record has already checked itself. Throws IllegalArgumentException (400),
   * NotFoundException (404) or TooLargeException (413).
   */
  R validate(UUID ensembleId, R request);

  /** Runs the job; returns its result (the version made and what was measured). */
  Map<String, Object> run(UUID jobId, UUID ensembleId, R request, JobContext context);

  /** What a running job can tell the service, and ask it. */
  interface JobContext {
    /**
     * Progress in 0..1 and live figures; written to the database at most every few hundred ms (a
     * fraction of 1 at once). A job that succeeds ends with the last detail it reported, so its
     * final report should be complete: what the result says, as far as the detail shows it.
     */
    void progress(double fraction, Map<String, Object> detail);

    boolean cancelled();
  }
}
