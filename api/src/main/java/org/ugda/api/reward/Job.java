package org.ugda.api.reward;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An asynchronous train or refine job.
 *
 * @param progress 0..1
 * @param detail live figures: step, total steps, per-member loss and accuracy
 * @param result on success: the version made and what it measured
 */
public record Job(
    UUID id,
    String kind,
    UUID ensembleId,
    JobState state,
    double progress,
    Map<String, Object> detail,
    Map<String, Object> result,
    String error,
    Instant createdAt,
    Instant updatedAt) {}
