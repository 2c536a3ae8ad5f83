package org.ugda.api.reward;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.ugda.api.job.JobState;

/**
 * An asynchronous train or refine job ({@code GET /v1/jobs/{jobId}}; see {@link
 * org.ugda.api.job.Jobs} for cancel and resume).
 *
 * @param kind what the job does
 * @param state where it stands
 * @param progress 0..1
 * @param detail live figures: step, total steps, per-member loss and accuracy
 * @param result on success: the version made and what it measured
 */
public record Job(
    UUID id,
    JobKind kind,
    UUID ensembleId,
    JobState state,
    double progress,
    Map<String, Object> detail,
    Map<String, Object> result,
    String error,
    Instant createdAt,
    Instant updatedAt) {}
