package org.ugda.api.policy;

import java.time.Instant;

/**
 * A run's checkpoint at the end of an epoch: the policy adapter and value head (PEFT layout) and
 * the Adam moments, under the storage root at {@code path}.
 *
 * @param epoch 1-based
 * @param adamStep the optimizer's step count t at the checkpoint (Eq. 6's bias correction)
 * @param meanLearningRate the epoch's mean learning rate (Eq. 10's eta-bar)
 */
public record CheckpointView(
    int epoch, long adamStep, double meanLearningRate, String path, Instant createdAt) {}
