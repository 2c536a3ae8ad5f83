package org.ugda.api.reward;

/**
 * Accuracy of each member and of the mean on preference pairs, of {@code version} (null: latest).
 */
public record EvaluateRequest(DatasetRef dataset, Integer version) {}
