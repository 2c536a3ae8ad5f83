package org.ugda.api.reward;

/** Optimizer settings; null fields take the service's configured defaults. */
public record TrainingSettings(
    Integer epochs,
    Integer batchSize,
    Integer accumulation,
    Double learningRate,
    Double floorLearningRate,
    Double warmupFraction,
    Double weightDecay,
    Double clipNorm,
    Long seed) {}
