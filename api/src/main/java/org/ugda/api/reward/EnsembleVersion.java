package org.ugda.api.reward;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An immutable version of an ensemble's members.
 *
 * @param kind {@code initial}, {@code import}, {@code train} or {@code refine}
 * @param parent the version it was trained or refined from, or null
 * @param metrics what the job that made it measured (losses, accuracy, how far members moved)
 */
public record EnsembleVersion(
    UUID ensembleId,
    int number,
    Integer parent,
    String kind,
    UUID jobId,
    Instant createdAt,
    Map<String, Object> metrics) {}
