package org.ugda.api.selection;

import java.util.Map;

/**
 * One sample of a selection's result ({@code GET /v1/selections/{jobId}/samples}).
 *
 * @param rolloutId the sample's id in policy-service's rollout log
 * @param varianceRank its rank by ensemble variance, 1 (least uncertain) to the log's size; ties
 *     rank by rollout id, the earlier logged sample lower
 * @param varianceFraction {@code varianceRank / logSize}, what Eq. 9 compares with gamma
 * @param passedUncertainty whether {@code varianceFraction > gamma}
 * @param influence per validation subtask, sum over checkpoints of eta-bar_i times the cosine; null
 *     where the strategy took no features of the sample
 * @param aggregate the subtasks' influence aggregated (mean or max); null like {@code influence}
 * @param influenceRank its rank by {@code aggregate} among the ranked pool, 1 the least influential
 * @param kept whether it is in D'_train (goes to the expert)
 */
public record SelectedSample(
    long rolloutId,
    int step,
    int index,
    String subtask,
    double rewardMean,
    double rewardVariance,
    Double goldReward,
    int varianceRank,
    double varianceFraction,
    boolean passedUncertainty,
    Map<String, Double> influence,
    Double aggregate,
    Integer influenceRank,
    boolean kept) {}
