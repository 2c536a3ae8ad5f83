package org.ugda.api.policy;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.ugda.api.job.JobState;

/**
 * A PPO run, the job resource of {@code POST /v1/runs} ({@code GET /v1/runs/{runId}}).
 *
 * @param ensembleVersion the version pinned when the run was submitted
 * @param finishedSteps PPO steps done; a resume starts after the last of them
 * @param loggedRollouts samples in the run's rollout log so far
 * @param progress the latest step's figures: step, epoch, proxyMean, goldMean (world prompts), kl,
 *     klCoefficient, pgLoss, vfLoss, loss, clip fractions, samplesPerSecond, and waitingForRewards
 *     while reward-service is unreachable
 * @param settings as run, defaults filled
 */
public record RunView(
    UUID id,
    JobState state,
    Shaping shaping,
    UUID ensembleId,
    Integer ensembleVersion,
    int totalSteps,
    int finishedSteps,
    long loggedRollouts,
    Map<String, Object> progress,
    String error,
    PpoSettings settings,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt) {}
