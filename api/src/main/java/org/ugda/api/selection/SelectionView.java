package org.ugda.api.selection;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.ugda.api.job.JobState;

/**
 * A selection, the job resource of {@code POST /v1/selections} ({@code GET
 * /v1/selections/{jobId}}).
 *
 * @param request as submitted, defaults filled
 * @param progress where the job stands: phase ({@code log}, {@code validation}, {@code features},
 *     {@code storing}), samples read, features scored
 * @param logSize samples in the run's log (known once the log is read)
 * @param trainSize |D_train|: the samples that passed the uncertainty filter ({@code ugda}), the
 *     pool the strategy ranked otherwise (the whole log for {@code gradient} and {@code random})
 * @param keptSize |D'_train|: the samples kept, the budget
 * @param effectiveEta for {@code ugda}, the influence cut the budget amounts to: 1 - kept / trained
 */
public record SelectionView(
    UUID id,
    JobState state,
    CreateSelection request,
    Map<String, Object> progress,
    Integer logSize,
    Integer trainSize,
    Integer keptSize,
    Double effectiveEta,
    String error,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {}
