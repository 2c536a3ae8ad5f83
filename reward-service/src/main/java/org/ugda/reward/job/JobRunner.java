package org.ugda.reward.job;

import java.util.Map;
import java.util.UUID;

/** One kind of job: checks a request eagerly, then runs it. */
public interface JobRunner {

  String kind();

  /**
   * Parses and checks a request before any row is written; throws IllegalArgumentException (400),
   * NotFoundException (404).
   */
  Object validate(UUID ensembleId, String requestJson);

  /** Runs the job; returns its result (the version made and what was measured). */
  Map<String, Object> run(UUID jobId, UUID ensembleId, Object request, JobContext context);

  /** What a running job can tell the service, and ask it. */
  interface JobContext {
    /** Progress in 0..1 and live figures; written to the database at most every few hundred ms. */
    void progress(double fraction, Map<String, Object> detail);

    boolean cancelled();
  }
}
