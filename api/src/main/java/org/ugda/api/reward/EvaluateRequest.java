package org.ugda.api.reward;

import org.ugda.api.check.RequestChecks;

/**
 * Accuracy of each member and of the mean on preference pairs, of {@code version} (null: latest).
 *
 * @param dataset the pairs; required (the service caps how many: 413 beyond it)
 * @param version 1 or more; null: the latest
 */
public record EvaluateRequest(DatasetRef dataset, Integer version) {
  public EvaluateRequest {
    DatasetRef.require(dataset);
    RequestChecks.version(version, "version");
  }
}
