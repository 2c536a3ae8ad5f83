package org.ugda.api.reward;

/**
 * Trains every member with the Bradley-Terry loss (Eq. 1) from the given version (null: the
 * latest); members differ in seed and data order. {@code centering} > 0 adds TRL's reward-centring
 * term.
 */
public record TrainRequest(
    DatasetRef dataset, Integer fromVersion, TrainingSettings training, Double centering) {}
